import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { loadRoutes, routeFolders, routeFoldersDefine } from './load-routes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

describe('route folders', () => {
  it('finds every folder with an index.ts, and only those, each at the prefix its path gives', async () => {
    const folders = routeFolders();
    expect(folders).toContain('healthz');
    expect(folders).toContain('api/v1/devices');
    expect(folders).toContain('api/v1/agent');
    // Folders without an index.ts (api/, api/v1/, fixtures) are not routes.
    expect(folders.filter((f) => ['api', 'api/v1'].includes(f) || f.includes('fixtures'))).toEqual([]);
    expect(folders).toEqual([...folders].sort());
    const routes = await loadRoutes();
    expect(routes.map((r) => r.prefix)).toEqual(folders.map((f) => `/${f}`));
    for (const r of routes) expect(typeof r.plugin, r.folder).toBe('function');
  });

  it('survives bundling: esbuild takes in every route folder, no test file, and the list of folders', async () => {
    const result = await build({
      entryPoints: [resolve(import.meta.dirname, 'load-routes.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      define: routeFoldersDefine(),
      write: false,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, resolve(ROOT, p)));
    for (const folder of routeFolders()) expect(inputs).toContain(`collector/src/http/routes/${folder}/index.ts`);
    // A folder's other route files come in through its index.ts.
    expect(inputs).toContain('collector/src/http/routes/api/v1/devices/refresh.ts');
    expect(inputs.filter((p) => p.includes('.test'))).toEqual([]);
    const code = result.outputFiles?.[0]?.text ?? '';
    // The list is in the bundle itself: nothing is read from a folder at run time.
    const list = /define_STOCKTAKE_ROUTE_FOLDERS_default = (\[[^\]]*\])/.exec(code)?.[1];
    expect(JSON.parse(list ?? 'null')).toEqual(routeFolders());
  });
});
