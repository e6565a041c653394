/**
 * Builds the console: one ES module bundle (Preact, the pages), one style sheet, and the page
 * shell that loads them, into dist/. Run by `pnpm build` and by the tests' global set-up.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { CONSOLE_ASSETS, CONSOLE_STATIC_PREFIX } from './index.ts';

/** The most gzipped JavaScript the first page may load (the budget). */
export const FIRST_LOAD_BUDGET_BYTES = 250 * 1024;

export interface ConsoleBuild {
  dir: string;
  script: string;
  stylesheet: string;
  /** Bytes of JavaScript the first page loads, before and after gzip. */
  scriptBytes: number;
  scriptGzipBytes: number;
}

const SOURCE = new URL('./src/', import.meta.url);
const CONTRACT = fileURLToPath(new URL('./contract.ts', SOURCE));

/**
 * src/contract.ts exports the contract's request schemas; the bundle gets their values as JSON
 * (JSON.stringify keeps what JSON Schema says and drops TypeBox's own symbols), so the page
 * draws its forms from the contract without carrying TypeBox (some 70 KiB gzipped).
 */
const contractAsJson: Plugin = {
  name: 'contract-as-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]contract\.ts$/ }, async (args) => {
      if (args.path !== CONTRACT) return undefined;
      const schemas = (await import(CONTRACT)) as Record<string, unknown>;
      const lines = Object.entries(schemas).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`);
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

export async function buildConsole(options: { outDir?: URL } = {}): Promise<ConsoleBuild> {
  const outDir = fileURLToPath(options.outDir ?? CONSOLE_ASSETS);
  const staticDir = `${outDir}${CONSOLE_STATIC_PREFIX.slice(1)}`;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(staticDir, { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL('./main.tsx', SOURCE))],
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: staticDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    legalComments: 'linked',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [contractAsJson],
  });
  const files = readdirSync(staticDir);
  const script = files.find((f) => f.startsWith('main-') && f.endsWith('.js'));
  const stylesheet = files.find((f) => f.startsWith('main-') && f.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`console build: no script or style sheet in ${staticDir}`);
  const code = readFileSync(`${staticDir}${script}`);
  const gzipped = gzipSync(code, { level: 9 });
  // Served as is to browsers that take gzip, so the figure printed is the one sent.
  writeFileSync(`${staticDir}${script}.gz`, gzipped);
  writeFileSync(`${staticDir}${stylesheet}.gz`, gzipSync(readFileSync(`${staticDir}${stylesheet}`), { level: 9 }));
  writeFileSync(`${outDir}index.html`, shell(script, stylesheet));
  if (gzipped.length > FIRST_LOAD_BUDGET_BYTES) {
    throw new Error(
      `console build: ${gzipped.length} bytes of gzipped JavaScript on first load, over the ${FIRST_LOAD_BUDGET_BYTES} budget`,
    );
  }
  return { dir: outDir, script, stylesheet, scriptBytes: code.length, scriptGzipBytes: gzipped.length };
}

/** The page shell: no inline script or style, so the Content-Security-Policy can forbid both. */
function shell(script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stocktake</title>
<link rel="stylesheet" href="${CONSOLE_STATIC_PREFIX}${stylesheet}">
<script type="module" src="${CONSOLE_STATIC_PREFIX}${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The Stocktake console needs JavaScript; the API is at /api/v1 and its reference at /docs.</noscript>
</body>
</html>
`;
}

/** `pnpm --filter @stocktake/console build`: builds and prints the first-load size. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildConsole();
  process.stdout.write(
    `console: ${built.script} ${(built.scriptBytes / 1024).toFixed(1)} KiB, ${(built.scriptGzipBytes / 1024).toFixed(1)} KiB gzipped (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} KiB) in ${built.dir}\n`,
  );
}
