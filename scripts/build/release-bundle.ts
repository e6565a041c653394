import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { findingRulesDefine } from '../../collector/src/domain/findings/registry.ts';
import { routeFoldersDefine } from '../../collector/src/http/load-routes.ts';
import { bundleProblems } from './bundle.ts';

/**
 * What the collector's bundle reads from disk beside itself, by the path it asks for
 * (relative to the bundle, `lib/` in the archive) and where that comes from in the repository.
 * The bundle keeps each source module's `new URL('./x', import.meta.url)`, which then points
 * next to the bundle: the build copies these there and checks that nothing else is asked for.
 */
export const COLLECTOR_FILES: readonly { at: string; from: string; only?: (name: string) => boolean }[] = [
  // drizzle's migrator reads the SQL files and meta/_journal.json (open-database.ts: ./migrations).
  {
    at: 'migrations',
    from: 'collector/src/store/sqlite/migrations',
    only: (name) => name.endsWith('.sql') || name === 'meta' || name === '_journal.json',
  },
  { at: 'data/end-of-support.json', from: 'collector/src/domain/findings/data/end-of-support.json' },
  // The web console's built pages (collector/console/index.ts: ./dist/), built by the release first.
  { at: 'dist', from: 'collector/console/dist' },
];

/**
 * Packages that read their own files at run time through `__dirname`, and the folders of theirs
 * the archive keeps, under `lib/assets/<package>/`. Their modules see `__dirname` as the place
 * they would have had in that package, so `path.join(__dirname, '..', 'static')` still works.
 */
export const PACKAGE_ASSETS: readonly { name: string; folders: string[]; why: string }[] = [
  { name: '@fastify/swagger-ui', folders: ['static'], why: 'the /docs page: its HTML, scripts, styles and logo' },
  { name: 'pdfkit', folders: ['js/data'], why: 'the metrics (AFM) of the standard PDF fonts reports are set in' },
];

/** Where a package's kept folders go, relative to the bundle. */
export const assetDir = (name: string) => join('assets', name);

/**
 * An ES module needs `require` for the CommonJS dependencies esbuild inlines (fastify, pino)
 * when they ask for node built-ins, and the folder of the bundle for the files beside it.
 */
const BANNER = [
  "import { createRequire as __stocktake_createRequire } from 'node:module';",
  "import { fileURLToPath as __stocktake_fileURLToPath } from 'node:url';",
  'const require = __stocktake_createRequire(import.meta.url);',
  "const __stocktake_lib_dir = __stocktake_fileURLToPath(new URL('.', import.meta.url));",
].join('\n');

/** The `bindings` package, replaced by the archive's own loader (archive-bindings.cjs). */
function archiveBindings(repoRoot: string): Plugin {
  return {
    name: 'archive-bindings',
    setup(b) {
      b.onResolve({ filter: /^bindings$/ }, () => ({
        path: join(repoRoot, 'scripts', 'build', 'archive-bindings.cjs'),
      }));
    },
  };
}

/** `__dirname` and `__filename` in PACKAGE_ASSETS modules: their place under lib/assets/. */
function packageDirnames(): Plugin {
  return {
    name: 'package-dirnames',
    setup(b) {
      for (const pkg of PACKAGE_ASSETS) {
        const marker = `${sep}node_modules${sep}${pkg.name.split('/').join(sep)}${sep}`;
        const escaped = marker.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        b.onLoad({ filter: new RegExp(`${escaped}.*\\.js$`) }, async (args) => {
          const inside = args.path.slice(args.path.lastIndexOf(marker) + marker.length);
          const dir = join(assetDir(pkg.name), dirname(inside));
          const file = join(assetDir(pkg.name), inside);
          return {
            contents: [
              `var __dirname = require('node:path').join(__stocktake_lib_dir, ${JSON.stringify(dir)});`,
              `var __filename = require('node:path').join(__stocktake_lib_dir, ${JSON.stringify(file)});`,
              await readFile(args.path, 'utf8'),
            ].join('\n'),
            loader: 'js',
            resolveDir: dirname(args.path),
          };
        });
      }
    },
  };
}

/**
 * Node's built-in modules, imported by the ES modules of the bundle, taken through `require`
 * instead. An import of a built-in builds its ES module namespace, which reads every lazy getter
 * of the module: `node:http` then loads all of undici, `node:fs` its streams, `node:util` the
 * text decoders, which was half of `stocktake --help`'s time. `require` hands back the module
 * object as it is, and esbuild reads the named imports from it where they are used.
 */
function builtinsThroughRequire(): Plugin {
  const namespace = 'builtin-through-require';
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        if (args.namespace === namespace || args.kind === 'require-call') return { path: args.path, external: true };
        return { path: args.path, namespace };
      });
      b.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * pg's optional libpq binding, `pg-native`, asked for only when `pg.native` is read, which the
 * collector never does: the release leaves it out, and the bundle answers it as Node answers a
 * module that is not installed, which is what pg expects of it.
 */
function optionalNativesLeftOut(): Plugin {
  const namespace = 'optional-native-left-out';
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: /^pg-native$/ }, (args) => ({ path: args.path, namespace }));
      b.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `const e = new Error(${JSON.stringify(`Cannot find module '${args.path}' (not in this release)`)}); e.code = 'MODULE_NOT_FOUND'; throw e;`,
        loader: 'js',
      }));
    },
  };
}

function commonOptions(repoRoot: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    // Names stay readable in stack traces a sysadmin sends us.
    keepNames: true,
    banner: { js: BANNER },
    logLevel: 'warning',
    legalComments: 'none',
  };
}

/**
 * The collector (`collector/src/cli.ts`) as one ES module: every route folder and finding rule
 * is in it (their names defined at build time), better-sqlite3's JavaScript too, its addon
 * loaded from lib/native/ by `runtimes` (ABI -> Node.js major, for the error message).
 */
export async function bundleCollector(
  repoRoot: string,
  outfile: string,
  runtimes: Record<string, string>,
): Promise<Metafile> {
  const result = await build({
    ...commonOptions(repoRoot),
    entryPoints: [join('collector', 'src', 'cli.ts')],
    outfile,
    metafile: true,
    define: {
      ...routeFoldersDefine(),
      ...findingRulesDefine(),
      STOCKTAKE_NATIVE_RUNTIMES: JSON.stringify(runtimes),
    },
    plugins: [archiveBindings(repoRoot), packageDirnames(), builtinsThroughRequire(), optionalNativesLeftOut()],
  });
  const problems = bundleProblems(result.metafile);
  if (problems.length > 0) throw new Error(`the collector bundle is not self-contained:\n  ${problems.join('\n  ')}`);
  await bundleWorker(repoRoot, IMPORT_READER_ENTRY, join(dirname(outfile), IMPORT_READER_BUNDLE));
  await bundleWorker(repoRoot, LARGE_BODY_ENTRY, join(dirname(outfile), LARGE_BODY_BUNDLE));
  // Its own better-sqlite3, loading the same addon from lib/native/ as the collector's bundle does.
  await bundleWorker(repoRoot, CHECKPOINT_ENTRY, join(dirname(outfile), CHECKPOINT_BUNDLE), {
    define: { STOCKTAKE_NATIVE_RUNTIMES: JSON.stringify(runtimes) },
    plugins: [archiveBindings(repoRoot)],
  });
  return result.metafile;
}

/** The worker thread that reads import files, beside the collector's bundle, which starts it from there. */
export const IMPORT_READER_BUNDLE = 'import-reader-worker.mjs';

const IMPORT_READER_ENTRY = join('collector', 'src', 'compose', 'import-reader-worker.ts');

/** The worker thread that parses and checks large agent bodies, beside the collector's bundle. */
export const LARGE_BODY_BUNDLE = 'large-body-worker.mjs';
const LARGE_BODY_ENTRY = join('collector', 'src', 'http', 'plugins', 'large-body', 'worker.ts');

/** The worker thread that checkpoints the SQLite database's write-ahead log, beside the collector's bundle. */
export const CHECKPOINT_BUNDLE = 'checkpoint-worker.mjs';
const CHECKPOINT_ENTRY = join('collector', 'src', 'store', 'sqlite', 'checkpoints', 'worker.ts');

/**
 * A worker thread's code (the import file reader, the large-body checker, the checkpointer) as
 * an ES module of its own; `native`: the define and plugin a worker loading better-sqlite3 needs.
 */
async function bundleWorker(
  repoRoot: string,
  entry: string,
  outfile: string,
  native: { define: Record<string, string>; plugins: Plugin[] } = { define: {}, plugins: [] },
): Promise<void> {
  const result = await build({
    ...commonOptions(repoRoot),
    entryPoints: [entry],
    outfile,
    metafile: true,
    define: native.define,
    plugins: [...native.plugins, builtinsThroughRequire()],
  });
  const problems = bundleProblems(result.metafile);
  if (problems.length > 0) throw new Error(`the bundle of ${entry} is not self-contained:\n  ${problems.join('\n  ')}`);
}

/** The `stocktake` command line as one ES module: its own sources and the shared contract. */
export async function bundleCli(repoRoot: string, outfile: string): Promise<Metafile> {
  const result = await build({
    ...commonOptions(repoRoot),
    entryPoints: [join('collector', 'cli', 'src', 'main.ts')],
    outfile,
    metafile: true,
    plugins: [builtinsThroughRequire()],
  });
  const problems = bundleProblems(result.metafile);
  if (problems.length > 0) throw new Error(`the CLI bundle is not self-contained:\n  ${problems.join('\n  ')}`);
  return result.metafile;
}

/**
 * The relative paths a bundle resolves against itself (`new URL('./x', import.meta.url)`,
 * kept as written by esbuild), so the build can check each is in the archive.
 */
export function filesAskedFor(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/new URL\(\s*["'`](\.\/[^"'`]*)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    if (m[1] && m[1] !== './') found.add(m[1].slice(2));
  }
  return [...found].sort();
}
