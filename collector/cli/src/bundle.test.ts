import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
      (p) => !p.startsWith('collector/cli/src/') && !p.startsWith('shared/src/') && p !== 'collector/cli/package.json',
    );
    expect(foreign).toEqual([]);
    const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(external.every((p) => p.startsWith('node:'))).toBe(true);
    expect(execFileSync(process.execPath, [out, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('declares no dependency but the shared contract', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'collector', 'cli', 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    expect(pkg.dependencies).toEqual({ '@stocktake/shared': 'workspace:*' });
    for (const field of ['peerDependencies', 'optionalDependencies']) expect(pkg[field], field).toBeUndefined();
    // tsx only runs the sources in the workspace (bin/stocktake.mjs); the bundle above needs nothing.
    expect(Object.keys(pkg.devDependencies ?? {})).toEqual(['tsx']);
  });

  it('imports nothing from the collector, not even types: its API shapes are the shared contract’s', () => {
    const dir = join(ROOT, 'collector', 'cli', 'src');
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(20);
    const reaching = sources.filter((f) =>
      /from\s+['"](?:@stocktake\/collector|(?:\.\.\/)+(?:\.\.\/)?src\/|\.\.\/\.\.\/\.\.\/)/.test(
        readFileSync(join(dir, f), 'utf8'),
      ),
    );
    expect(reaching).toEqual([]);
  });
});
