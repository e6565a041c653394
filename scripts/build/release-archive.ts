import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir } from './registry-file.ts';
import { buildRelease, collectorVersion, releaseArchivePath } from './release.ts';

const run = promisify(execFile);

/** What the archive is built from: newer than the archive means it is out of date. */
const INPUTS = [
  'collector/src',
  'collector/cli/src',
  'collector/package.json',
  'collector/cli/package.json',
  'shared/src',
  'scripts/build',
  'scripts/build-release.ts',
  'pnpm-lock.yaml',
];

function newestInput(repoRoot: string): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') visit(join(path, name));
    } else if (!path.endsWith('.test.ts') && !path.endsWith('.md')) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of INPUTS) visit(join(repoRoot, p));
  return newest;
}

/**
 * The release archive `pnpm build` writes, built first when it is missing or older than its
 * sources (for the end-to-end test and the startup benchmark).
 */
export async function currentReleaseArchive(repoRoot: string, log: (line: string) => void): Promise<string> {
  const archive = releaseArchivePath(repoRoot, await collectorVersion(repoRoot));
  if (!existsSync(archive) || statSync(archive).mtimeMs < newestInput(repoRoot)) {
    await buildRelease({ repoRoot, outDir: join(repoRoot, 'dist', 'release'), cacheDir: defaultCacheDir(), log });
  }
  return archive;
}

/** Extracts the archive into `into` (created if needed); returns its top folder. */
export async function unpackRelease(archive: string, into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  await run('tar', ['-xzf', archive, '-C', into]);
  const [top, ...more] = readdirSync(into);
  if (!top || more.length > 0)
    throw new Error(`${archive} should hold one folder, not ${readdirSync(into).join(', ')}`);
  return join(into, top);
}
