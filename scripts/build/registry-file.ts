import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RegistryFile } from './targets.ts';

const run = promisify(execFile);

/** Outside the repository, so fresh clones on the same machine reuse the ~130 MB of Node binaries. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STOCKTAKE_BUILD_CACHE) return env.STOCKTAKE_BUILD_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'stocktake-build');
}

export function sriOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** A non-empty file, or a folder (headers), already extracted. */
async function isExtracted(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => (s.isFile() && s.size > 0) || s.isDirectory(),
    () => false,
  );
}

/**
 * Returns the local path of one file (and extracts `extra`, files or folders, beside it) from a registry package: `npm pack` downloads the
 * tarball (the npm client verifies it against the registry), its integrity is checked
 * against the pinned value, and the one file is extracted. Cached by name and version.
 */
export async function registryFile(file: RegistryFile, cacheDir: string, log: (line: string) => void): Promise<string> {
  const dir = join(cacheDir, `${file.name}-${file.version}`);
  const target = join(dir, file.path);
  const wanted = [file.path, ...(file.extra ?? [])];
  if ((await Promise.all(wanted.map((p) => isExtracted(join(dir, p))))).every(Boolean)) return target;

  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, '.fetch-'));
  try {
    log(`fetching ${file.name}@${file.version} from the npm registry`);
    // cwd outside the workspace: the project's .npmrc has settings npm itself does not know.
    const { stdout } = await run('npm', ['pack', `${file.name}@${file.version}`, '--json', '--silent'], {
      cwd: work,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (!packed) throw new Error(`npm pack ${file.name}@${file.version} reported nothing`);
    const tarball = join(work, packed.filename);
    const integrity = sriOf(await readFile(tarball));
    if (integrity !== file.integrity) {
      throw new Error(`${file.name}@${file.version}: integrity ${integrity} differs from the pinned ${file.integrity}`);
    }
    const extracted = join(work, 'x');
    await mkdir(extracted);
    await run('tar', ['-xzf', tarball, '-C', extracted, ...wanted]);
    await rm(dir, { recursive: true, force: true });
    await rename(extracted, dir);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
