import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './report.ts';

/**
 * The agent as it ships inside the single executable: one minified CommonJS file for this
 * platform, so the benchmark measures what endpoints run, not tsx compiling sources.
 */
export async function buildAgentBundle(outDir = join(ROOT, 'dist', 'bench')): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `stocktake-agent-${process.platform}.cjs`);
  await build({
    entryPoints: [join(ROOT, 'agent', 'src', 'main.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    define: { 'process.platform': JSON.stringify(process.platform) },
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
