import { builtinModules } from 'node:module';
import { basename, join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/**
 * Modules left as runtime `require` calls because they are missing on purpose. Each is an
 * optional module its user loads inside try/catch; in the agent's single executable and the
 * collector's bundle the require fails and the caller carries on without it.
 */
export const OPTIONAL_EXTERNALS: Readonly<Record<string, string>> = {
  'osx-temperature-sensor': 'systeminformation: macOS CPU temperature, native, optional (try/catch)',
  'macos-temperature-sensor': 'systeminformation: macOS temperatures, native, optional (try/catch)',
  // ws (the live channel) speeds up masking and UTF-8 checks with these when present.
  bufferutil: 'ws: native speed-up, optional (try/catch), pure JS fallback',
  'utf-8-validate': 'ws: native speed-up, optional (try/catch), pure JS fallback',
  // debug (under @fastify/swagger's schema resolver, in the collector) colours its output with it when present.
  'supports-color': 'debug: terminal colour detection, optional (try/catch)',
};

/** Packages whose only job is locating and loading a compiled .node addon. */
const NATIVE_LOADERS = ['bindings', 'node-gyp-build', 'node-gyp-build-optional-packages', 'prebuild-install'];

// node:sea, node:test and node:sqlite exist only with the prefix and are not in builtinModules.
const isBuiltin = (path: string) => path.startsWith('node:') || builtinModules.includes(path);

/** A SEA cannot load a .node file from inside itself: refuse one at resolve time. */
const refuseNativeAddons: Plugin = {
  name: 'refuse-native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => ({
      errors: [{ text: `native addon ${args.path} required by ${args.importer}: a single executable cannot load it` }],
    }));
  },
};

/** Problems with what went into the bundle; empty when it is fit for a single executable. */
export function bundleProblems(metafile: Metafile): string[] {
  const problems: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (input.endsWith('.node')) problems.push(`native addon in bundle: ${input}`);
    // The last node_modules segment names the package (pnpm nests them under .pnpm/<id>/node_modules).
    const pkg = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].at(-1)?.[1];
    if (pkg && NATIVE_LOADERS.includes(pkg)) problems.push(`native addon loader in bundle: ${pkg} (${input})`);
  }
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || isBuiltin(imp.path) || imp.path in OPTIONAL_EXTERNALS) continue;
      problems.push(`module left outside the bundle: ${imp.path} (a single executable cannot load it)`);
    }
  }
  return problems;
}

/** The chunk holding `run`, `status` and `service` (agent/src/service-commands.ts), beside the main bundle. */
export const SERVICE_CHUNK_ENTRY = 'agent/src/service-commands.ts';

/** Where the chunk of `outfile` goes: `stocktake-agent-linux.cjs` -> `stocktake-agent-linux.service.cjs`. */
export function serviceChunkPath(outfile: string): string {
  return `${outfile.replace(/\.c?js$/, '')}.service.cjs`;
}

/**
 * Imports of the main bundle that the service chunk answers: service-commands.ts from
 * load-service-commands.ts, and the HTTP transport (undici) from client.ts, which the chunk
 * exports too. Each becomes a loader of the chunk file (agent/src/bundle-chunk.ts), so their code
 * is not in the script V8 parses on every start.
 */
const FROM_THE_CHUNK: readonly { importer: string; module: RegExp }[] = [
  { importer: join('agent', 'src', 'load-service-commands.ts'), module: /\/service-commands\.ts$/ },
  { importer: join('agent', 'src', 'client.ts'), module: /\/network\/http-transport\.ts$/ },
];

/** The loader of the service chunk for the imports FROM_THE_CHUNK names; it gets the main bundle's own `require` and path. */
function serviceChunkLoader(repoRoot: string, chunkName: string): Plugin {
  return {
    name: 'service-chunk-loader',
    setup(b) {
      b.onResolve({ filter: /\.ts$/ }, (args) =>
        FROM_THE_CHUNK.some((c) => args.importer.endsWith(c.importer) && c.module.test(args.path))
          ? { path: chunkName, namespace: 'service-chunk' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'service-chunk' }, () => ({
        contents: [
          `const { loadBundleChunk } = require(${JSON.stringify(join(repoRoot, 'agent', 'src', 'bundle-chunk.ts'))});`,
          `module.exports = loadBundleChunk(${JSON.stringify(chunkName)}, __filename, require);`,
        ].join('\n'),
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}

/**
 * esbuild: CommonJS (SEA runs CommonJS), Node 20 syntax, everything inlined, for one OS.
 * `process.platform` is fixed at build time so the other OSes' collectors (and the libraries
 * only they use) are left out: less code for every endpoint to load on every run. Two files:
 * `outfile` (the CLI, `inventory`, `once`) and its service chunk (`run`, `status`, `service`),
 * loaded only by those commands; both self-contained. Returns one metafile for both.
 */
export async function bundleAgent(
  repoRoot: string,
  entry: string,
  outfile: string,
  platform: 'linux' | 'win32' | 'darwin',
): Promise<Metafile> {
  const chunk = serviceChunkPath(outfile);
  const options = {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Names stay readable in stack traces a sysadmin sends us.
    keepNames: true,
    define: {
      'process.platform': JSON.stringify(platform),
      // ESM-only dependencies (node-cron) read import.meta.url at load; CommonJS has none.
      'import.meta.url': '__stocktake_import_meta_url',
    },
    banner: { js: 'var __stocktake_import_meta_url = require("url").pathToFileURL(__filename).href;' },
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  } satisfies BuildOptions;
  const [main, service] = await Promise.all([
    build({
      ...options,
      entryPoints: [entry],
      outfile,
      plugins: [refuseNativeAddons, serviceChunkLoader(repoRoot, basename(chunk))],
    }),
    build({ ...options, entryPoints: [SERVICE_CHUNK_ENTRY], outfile: chunk, plugins: [refuseNativeAddons] }),
  ]);
  const metafile: Metafile = {
    inputs: { ...service.metafile.inputs, ...main.metafile.inputs },
    outputs: { ...main.metafile.outputs, ...service.metafile.outputs },
  };
  const problems = bundleProblems(metafile);
  if (problems.length > 0) throw new Error(`the agent bundle is not self-contained:\n  ${problems.join('\n  ')}`);
  return metafile;
}
