import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

describe('the command line as one file', () => {
  it('bundles from its own modules, the shared contract and node built-ins alone, and runs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'stocktake-bundle-')), 'stocktake.mjs');
    const result = await build({
      entryPoints: [join(import.meta.dirname, 'main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, resolve(ROOT, p)));
    const foreign = inputs.filter(
      (p) =>
        !p.startsWith('collector/src/admin-cli/') && !p.startsWith('shared/src/') && p !== 'collector/package.json',
    );
    expect(foreign).toEqual([]);
    const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(external.every((p) => p.startsWith('node:'))).toBe(true);
    expect(execFileSync(process.execPath, [out, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
