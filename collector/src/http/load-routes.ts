import { readdirSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Route folders are found, not listed: every folder under `routes/` holding an `index.ts` is one
 * route plugin (its default export), mounted at the URL its path gives (`routes/api/v1/devices/`
 * serves `/api/v1/devices`). Only `index.ts` is loaded: the other files of a folder are the
 * routes it registers itself (devices/refresh.ts), its schemas and helpers, and tests, none of
 * which must turn into routes by accident.
 */
const ROUTES_DIR = new URL('./routes/', import.meta.url);

/**
 * When the collector is bundled, there is no folder to read at run time: the bundler defines
 * this constant from `routeFolders()` at build time (esbuild `define`). The import below is a
 * template literal esbuild follows (`./routes/**\/index.ts`), so every route module is in the bundle.
 */
declare const STOCKTAKE_ROUTE_FOLDERS: readonly string[] | undefined;

export interface RouteFolder {
  /** The folder under routes/, with `/` separators: `api/v1/devices`. */
  folder: string;
  /** The URL prefix it is mounted at: `/api/v1/devices`. */
  prefix: string;
  plugin: FastifyPluginAsync;
}

/** The route folders under `dir`, sorted so the registration order is the same on every machine. */
export function routeFolders(dir: URL = ROUTES_DIR): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    const entries = readdirSync(new URL(relative, dir), { withFileTypes: true });
    if (relative !== '' && entries.some((e) => e.isFile() && e.name === 'index.ts')) found.push(relative.slice(0, -1));
    for (const e of entries) if (e.isDirectory() && e.name !== 'fixtures') walk(`${relative}${e.name}/`);
  };
  walk('');
  return found.sort();
}

/** What to pass esbuild's `define` so a bundle knows the route folders. */
export function routeFoldersDefine(): Record<string, string> {
  return { STOCKTAKE_ROUTE_FOLDERS: JSON.stringify(routeFolders()) };
}

/** Every route plugin with its prefix. */
export async function loadRoutes(): Promise<RouteFolder[]> {
  const folders = typeof STOCKTAKE_ROUTE_FOLDERS !== 'undefined' ? STOCKTAKE_ROUTE_FOLDERS : routeFolders();
  return Promise.all(
    folders.map(async (folder) => {
      // Kept a template literal for esbuild; Vite (the tests) would rewrite it for one folder level only.
      const mod = (await import(/* @vite-ignore */ `./routes/${folder}/index.ts`)) as { default?: FastifyPluginAsync };
      if (typeof mod.default !== 'function')
        throw new Error(`routes/${folder}/index.ts does not export a route plugin`);
      return { folder, prefix: `/${folder}`, plugin: mod.default };
    }),
  );
}
