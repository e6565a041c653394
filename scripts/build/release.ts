import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { buildConsole, FIRST_LOAD_BUDGET_BYTES } from '@stocktake/console/build';
import type { Metafile } from 'esbuild';
import { buildBetterSqlite3, type NodeRuntime, nodeRuntime } from './native-addon.ts';
import { renderNotices } from './notices.ts';
import { registryFile } from './registry-file.ts';
import {
  assetDir,
  bundleCli,
  bundleCollector,
  COLLECTOR_FILES,
  filesAskedFor,
  PACKAGE_ASSETS,
} from './release-bundle.ts';
import { RELEASE_RUNTIMES } from './targets.ts';

const run = promisify(execFile);

export interface ReleaseOptions {
  repoRoot: string;
  /** Where the archive goes (dist/release). */
  outDir: string;
  cacheDir: string;
  log: (line: string) => void;
}

export interface BuiltRelease {
  /** The .tar.gz, with `<archive>.sha256` beside it. */
  archive: string;
  /** Its top folder: `stocktake-<version>-linux-x64`. */
  name: string;
  version: string;
  bytes: number;
  sha256: string;
  /** The runtimes its addon was compiled for, the first one smoke-tested. */
  runtimes: NodeRuntime[];
}

/** The release archive of this machine's OS and CPU; the only one built so far is linux-x64. */
export function releasePlatform(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the release archive is built on linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  return 'linux-x64';
}

/** The Node.js runtimes the archive is built for, from the registry (cached), the main one first. */
export async function releaseRuntimes(cacheDir: string, log: (line: string) => void): Promise<NodeRuntime[]> {
  const runtimes: NodeRuntime[] = [];
  for (const file of RELEASE_RUNTIMES) {
    runtimes.push(await nodeRuntime(await registryFile(file, cacheDir, log), file.version));
  }
  return runtimes;
}

/** The archive `pnpm build` writes for this version. */
export function releaseArchivePath(repoRoot: string, version: string, outDir = join(repoRoot, 'dist', 'release')) {
  return join(outDir, `stocktake-${version}-${releasePlatform()}.tar.gz`);
}

export async function collectorVersion(repoRoot: string): Promise<string> {
  const read = async (path: string) =>
    (JSON.parse(await readFile(join(repoRoot, path), 'utf8')) as { version: string }).version;
  const [collector, cli] = await Promise.all([read('collector/package.json'), read('collector/cli/package.json')]);
  if (collector !== cli) throw new Error(`collector ${collector} and CLI ${cli}: they are released together`);
  return collector;
}

/**
 * The launchers in bin/: run the bundle in ../lib with the `node` on PATH. A script, not a
 * symlink, so it works from a link in /usr/local/bin too (Node resolves the real path of its
 * main script), and import() calls, which a CommonJS and an ES module file both understand.
 * Node's compile cache (22.1 and later) keeps the bundle's compiled code between runs, in
 * NODE_COMPILE_CACHE or the temporary directory. An error that escapes is printed as its stack:
 * Node would print the line of the bundle around it too, which is the whole minified bundle.
 */
function launcher(bundle: string, command: string): string {
  return [
    '#!/usr/bin/env node',
    `// ${command}, from the Stocktake release archive: runs ../lib/${bundle} on the Node.js found on PATH.`,
    "import('node:module')",
    '  .then((m) => {',
    '    m.enableCompileCache?.();',
    `    return import('../lib/${bundle}');`,
    '  })',
    '  .catch((err) => {',
    `    process.stderr.write(\`${command}: \${err instanceof Error ? err.stack : String(err)}\\n\`);`,
    '    process.exitCode = 70;',
    '  });',
    '',
  ].join('\n');
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function copyCollectorFiles(repoRoot: string, lib: string): Promise<void> {
  for (const file of COLLECTOR_FILES) {
    const from = join(repoRoot, file.from);
    const keep = file.only;
    await cp(from, join(lib, file.at), {
      recursive: true,
      ...(keep ? { filter: (path: string) => path === from || keep(basename(path)) } : {}),
    });
  }
  const require = createRequire(join(repoRoot, 'collector', 'package.json'));
  for (const pkg of PACKAGE_ASSETS) {
    const root = dirname(require.resolve(`${pkg.name}/package.json`));
    for (const folder of pkg.folders) {
      await cp(join(root, folder), join(lib, assetDir(pkg.name), folder), { recursive: true });
    }
    const licence = (await readdir(root)).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    if (licence) await copyFile(join(root, licence), join(lib, assetDir(pkg.name), licence));
  }
}

/** Every file a bundle asks for next to itself is in lib/ (folders are the route and rule folders, defined at build time). */
async function checkFilesAskedFor(lib: string, bundles: string[]): Promise<void> {
  const missing: string[] = [];
  for (const bundle of bundles) {
    for (const path of filesAskedFor(await readFile(join(lib, bundle), 'utf8'))) {
      if (path.endsWith('/')) continue;
      const present = await stat(join(lib, path)).then(
        () => true,
        () => false,
      );
      if (!present) missing.push(`${bundle} reads ${path}`);
    }
  }
  if (missing.length > 0) throw new Error(`files the bundles read are not in the archive:\n  ${missing.join('\n  ')}`);
}

/**
 * `pnpm build`: the collector and the `stocktake` CLI as bundled ES modules, with what they
 * read beside them and better-sqlite3's addon compiled for each supported Node.js, in one
 * .tar.gz with its checksum:
 *
 * ```
 * stocktake-<version>-linux-x64/
 *   bin/stocktake-collector  bin/stocktake       launchers (node on PATH)
 *   lib/stocktake-collector.mjs  lib/stocktake.mjs  lib/import-reader-worker.mjs (the import file reader's thread)
 *   lib/large-body-worker.mjs (the thread checking large agent bodies)
 *   lib/checkpoint-worker.mjs (the thread checkpointing SQLite's write-ahead log)
 *   lib/migrations/  lib/data/  lib/assets/        read by the collector at run time
 *   lib/native/node-v<ABI>/better_sqlite3.node     one per Node.js ABI
 *   THIRD-PARTY-NOTICES.txt
 * ```
 */
export async function buildRelease(options: ReleaseOptions): Promise<BuiltRelease> {
  const { repoRoot, log } = options;
  const version = await collectorVersion(repoRoot);
  const name = `stocktake-${version}-${releasePlatform()}`;
  await mkdir(options.outDir, { recursive: true });
  const work = await mkdtemp(join(options.outDir, '.build-'));
  try {
    const top = join(work, name);
    const lib = join(top, 'lib');
    await mkdir(join(top, 'bin'), { recursive: true });
    await mkdir(lib, { recursive: true });

    const runtimes = await releaseRuntimes(options.cacheDir, log);
    const t0 = Date.now();
    const majors = Object.fromEntries(runtimes.map((r) => [r.abi, r.version.split('.')[0] ?? r.version]));
    const [collectorMeta, cliMeta] = await Promise.all([
      bundleCollector(repoRoot, join(lib, 'stocktake-collector.mjs'), majors),
      bundleCli(repoRoot, join(lib, 'stocktake.mjs')),
    ]);
    const kib = async (file: string) => ((await stat(join(lib, file))).size / 1024).toFixed(0);
    log(
      `bundled the collector (${await kib('stocktake-collector.mjs')} KiB) and the CLI (${await kib('stocktake.mjs')} KiB) in ${Date.now() - t0} ms`,
    );
    const consoleBuild = await buildConsole();
    log(
      `built the web console: ${(consoleBuild.scriptGzipBytes / 1024).toFixed(1)} KiB of gzipped JavaScript on first load (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} KiB)`,
    );
    await copyCollectorFiles(repoRoot, lib);
    await checkFilesAskedFor(lib, ['stocktake-collector.mjs', 'stocktake.mjs']);

    let sqliteVersion = '';
    for (const runtime of runtimes) {
      const addon = await buildBetterSqlite3({ repoRoot, runtime, cacheDir: options.cacheDir, log });
      sqliteVersion = addon.version;
      await mkdir(join(lib, 'native', `node-v${runtime.abi}`), { recursive: true });
      await copyFile(addon.path, join(lib, 'native', `node-v${runtime.abi}`, 'better_sqlite3.node'));
    }

    for (const [file, bundle] of [
      ['stocktake-collector', 'stocktake-collector.mjs'],
      ['stocktake', 'stocktake.mjs'],
    ] as const) {
      await writeFile(join(top, 'bin', file), launcher(bundle, file));
      await chmod(join(top, 'bin', file), 0o755);
    }
    const inputs: Metafile['inputs'] = { ...cliMeta.inputs, ...collectorMeta.inputs };
    await writeFile(
      join(top, 'THIRD-PARTY-NOTICES.txt'),
      await renderNotices({
        title: 'Stocktake collector and command line: third-party software in this archive.',
        metafile: { inputs, outputs: {} },
        cwd: repoRoot,
        extra: [
          `SQLite (public domain), compiled into lib/native/*/better_sqlite3.node with better-sqlite3 ${sqliteVersion}`,
        ],
      }),
    );

    // Smoke test on every runtime, from the staged folder: the bundle opens (and so migrates) an
    // in-memory database through that runtime's addon, and reads its version.
    for (const runtime of runtimes) {
      const bundle = join(lib, 'stocktake-collector.mjs');
      await run(runtime.node, [bundle, 'token', 'list', '--db', ':memory:'], { env: {} }).catch(
        (err: Error & { stderr?: string }) => {
          throw new Error(`the bundled collector failed on Node ${runtime.version}: ${err.stderr ?? err.message}`);
        },
      );
      const { stdout } = await run(runtime.node, [bundle, 'version'], { env: {} });
      if (stdout.trim() !== version)
        throw new Error(`the bundled collector printed "${stdout.trim()}" for its version`);
    }
    log(`smoke test: the bundled collector opened a database on Node ${runtimes.map((r) => r.version).join(' and ')}`);

    const archive = releaseArchivePath(repoRoot, version, options.outDir);
    const tmp = join(work, basename(archive));
    // Same sources, same bytes: fixed order, owners and times (GNU tar), and gzip without a timestamp.
    await run(
      'tar',
      [
        '--sort=name',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--mtime=@0',
        '-cf',
        `${tmp.slice(0, -3)}`,
        '-C',
        work,
        name,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    await run('gzip', ['-n', '-9', tmp.slice(0, -3)]);
    await rename(tmp, archive);
    const digest = await sha256(archive);
    await writeFile(`${archive}.sha256`, `${digest}  ${basename(archive)}\n`);
    const bytes = (await stat(archive)).size;
    return { archive, name, version, bytes, sha256: digest, runtimes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
