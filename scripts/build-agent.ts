/**
 * pnpm build:agent [--targets linux-x64,win-x64,darwin-arm64] [--out dist/agent] [--cache DIR]
 *
 * Builds the self-contained agent executables as Node.js single executable applications:
 * esbuild bundle -> SEA blob -> injected into the registry's Node binary for each OS.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAgentExecutables, targetOsSteps } from './build/build.ts';
import { defaultCacheDir } from './build/registry-file.ts';
import { findTarget, NODE_VERSION, TARGETS } from './build/targets.ts';

const repoRoot = resolve(import.meta.dirname, '..');

async function cli(): Promise<number> {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string' },
      out: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `pnpm build:agent [--targets ${TARGETS.map((t) => t.id).join(',')}] [--out dist/agent] [--cache DIR]\n`,
    );
    return 0;
  }
  const targets = values.targets ? values.targets.split(',').map((id) => findTarget(id.trim())) : TARGETS;
  const outDir = resolve(values.out ?? resolve(repoRoot, 'dist', 'agent'));
  const cacheDir = resolve(values.cache ?? defaultCacheDir());
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`Node.js ${NODE_VERSION} single executables for ${targets.map((t) => t.id).join(', ')} (cache: ${cacheDir})`);
  const started = Date.now();
  const built = await buildAgentExecutables({ repoRoot, outDir, cacheDir, targets, log });

  log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. In ${outDir}:`);
  for (const b of built) {
    log(`  ${b.target.outputName}  ${(b.bytes / 2 ** 20).toFixed(1)} MiB  sha256 ${b.sha256}`);
    if (b.fileType) log(`    ${b.fileType}`);
  }
  log('\nBefore it runs on the target OS:');
  for (const b of built) for (const line of targetOsSteps(b.target, b.target.outputName)) log(`  ${line}`);
  return 0;
}

cli().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`build:agent: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
