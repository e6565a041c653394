import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleAgent } from '../../build/bundle.ts';
import { ROOT } from './report.ts';

/**
 * The agent as it ships inside the single executable, built by the same bundler as the
 * release, so the benchmark measures what endpoints run, not tsx compiling sources.
 */
export async function buildAgentBundle(outDir = join(ROOT, 'dist', 'bench')): Promise<string> {
  if (process.platform !== 'linux' && process.platform !== 'win32' && process.platform !== 'darwin') {
    throw new Error(`no agent build for ${process.platform}`);
  }
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `stocktake-agent-${process.platform}.cjs`);
  await bundleAgent(ROOT, join('agent', 'src', 'main.ts'), outfile, process.platform);
  return outfile;
}
