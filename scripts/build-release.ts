/**
 * pnpm build [--out dist/release] [--cache DIR]
 *
 * Builds the collector's release archive: the collector and the `stocktake` CLI as bundled
 * JavaScript, the files they read, and the SQLite addon compiled for each supported Node.js,
 * in one .tar.gz for this OS and CPU (linux-x64). The agent has its own: pnpm build:agent.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from './build/registry-file.ts';
import { buildRelease } from './build/release.ts';

const repoRoot = resolve(import.meta.dirname, '..');

async function cli(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('pnpm build [--out dist/release] [--cache DIR]\n');
    return 0;
  }
  const outDir = resolve(values.out ?? resolve(repoRoot, 'dist', 'release'));
  const cacheDir = resolve(values.cache ?? defaultCacheDir());
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const started = Date.now();
  const built = await buildRelease({ repoRoot, outDir, cacheDir, log });
  log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  log(`  ${built.archive}  ${(built.bytes / 2 ** 20).toFixed(1)} MiB  sha256 ${built.sha256}`);
  log(`  runs on Node.js ${built.runtimes.map((r) => r.version.split('.')[0]).join(' or ')}:`);
  log(`    tar -xzf ${built.name}.tar.gz && ${built.name}/bin/stocktake-collector serve`);
  return 0;
}

cli().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`build: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
