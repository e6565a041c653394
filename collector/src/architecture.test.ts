import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The collector's layers and what each may import. The domain sits at the centre and knows only
 * the shared contract; storage engines and the HTTP edge depend on the domain, never on each
 * other; the composition root (and the entry points around it) sees everything.
 */
const SRC = import.meta.dirname;

type Layer =
  | 'domain'
  | 'store'
  | 'contract'
  | 'http'
  | 'metrics'
  | 'commands'
  | 'jobs'
  | 'compose'
  | 'root'
  | 'version'
  | 'threads';

// Spelled in parts so that this file itself does not name them (the checks grep every source).
/** drizzle itself: only a storage engine speaks SQL. */
const DRIZZLE = new RegExp(['drizzle', '-orm'].join(''));
/** The SQLite driver and drizzle's SQLite dialect. */
const SQLITE_LIBRARIES = new RegExp(['better', '-sqlite3|drizzle', '-orm/(sqlite-core|better-sqlite3)'].join(''));
/** The PostgreSQL driver (node-postgres, `pg`) and drizzle's PostgreSQL dialect. */
const POSTGRES_LIBRARIES = new RegExp(['[\'"]p', 'g[\'"]|drizzle', '-orm/(pg-core|node-postgres)'].join(''));
/** The storage engines, each a folder of store/ that no other engine imports. */
const ENGINES = ['sqlite', 'postgres'] as const;

const ALL: readonly Layer[] = [
  'domain',
  'store',
  'contract',
  'http',
  'metrics',
  'commands',
  'jobs',
  'compose',
  'root',
  'version',
  'threads',
];

const LAYERS: Record<Layer, { layers: readonly Layer[]; packages: RegExp }> = {
  domain: { layers: ['domain', 'version'], packages: /^(node:|@stocktake\/shared)/ },
  store: {
    layers: ['store', 'domain', 'version', 'threads'],
    packages: new RegExp(`^(node:|@stocktake/shared|${DRIZZLE.source}|better-sqlite3$|pg$)`),
  },
  // The port contract suite is engine-neutral: the domain's ports and vitest, never an engine.
  contract: { layers: ['contract', 'domain'], packages: /^(node:|@stocktake\/shared|vitest$)/ },
  // Cookies are an HTTP matter: the session cookie is read and written at the edge only; the
  // console's built pages are served from there too. So is pdfkit: a report is data in the domain
  // and becomes a PDF only as it is sent.
  http: {
    layers: ['http', 'domain', 'version', 'threads'],
    // Other tools' agents speak XML: it is read at the edge, and the domain maps what it says.
    packages: /^(node:|@stocktake\/shared|@stocktake\/console$|fastify|@fastify\/|typebox|cookie$|saxes$|pdfkit$)/,
  },
  // The metrics library stays at the edge: the domain reports to an observer it declares.
  metrics: { layers: ['metrics', 'domain', 'version'], packages: /^(node:|@stocktake\/shared|prom-client$)/ },
  // Admin commands are entry points: they read the configuration and open the composition root.
  commands: {
    layers: ['commands', 'domain', 'compose', 'root', 'version'],
    packages: /^(node:|@stocktake\/shared|pino$)/,
  },
  jobs: { layers: ['jobs', 'domain', 'version'], packages: /^(node:|@stocktake\/shared|fastify|node-cron)/ },
  compose: { layers: ALL, packages: /./ },
  root: { layers: ALL, packages: /./ },
  version: { layers: ['version'], packages: /^$/ },
  // Where the worker threads' code is, from the sources or in a release: a leaf, like version.ts.
  threads: { layers: ['threads'], packages: /^node:/ },
};

function layerOf(file: string): Layer | undefined {
  const path = relative(SRC, file);
  const top = path.split('/')[0];
  if (top === 'test-support' || top === '..') return undefined;
  if (path.startsWith('store/contract/')) return 'contract';
  if (path === 'version.ts') return 'version';
  if (
    top === 'domain' ||
    top === 'store' ||
    top === 'http' ||
    top === 'metrics' ||
    top === 'commands' ||
    top === 'jobs' ||
    top === 'compose' ||
    top === 'threads'
  )
    return top;
  return 'root';
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'migrations' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.includes('.test-support.') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean);
}

/** Every import that crosses a line its layer may not cross, as "file -> specifier". */
function violations(): string[] {
  const found: string[] = [];
  for (const file of sources(SRC)) {
    const layer = layerOf(file);
    if (!layer) continue;
    const allowed = LAYERS[layer];
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), spec));
        if (target && !allowed.layers.includes(target)) found.push(`${relative(SRC, file)} -> ${spec}`);
      } else if (!allowed.packages.test(spec)) {
        found.push(`${relative(SRC, file)} -> ${spec}`);
      }
    }
  }
  return found.sort();
}

describe('the collector’s layers', () => {
  it('import only what their layer may: domain -> shared; store, http -> domain; the composition root -> all', () => {
    expect(violations()).toEqual([]);
  });

  it('keep the metrics library inside metrics/', () => {
    const outside = sources(SRC)
      .filter((f) => !relative(SRC, f).startsWith('metrics/'))
      .filter((f) => /['"]prom-client['"]/.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(SRC, f))).toEqual([]);
  });

  // store/common holds what both engines spell alike, with drizzle's dialect-neutral core only:
  // each dialect stays inside its engine (the two tests below).
  it('keep drizzle inside the storage engines and what they share', () => {
    const outside = sources(SRC)
      .filter((f) => ![...ENGINES, 'common'].some((folder) => relative(SRC, f).startsWith(`store/${folder}/`)))
      .filter((f) => DRIZZLE.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keep the SQLite driver and dialect inside the SQLite engine', () => {
    const outside = sources(SRC)
      .filter((f) => !relative(SRC, f).startsWith('store/sqlite/'))
      .filter((f) => SQLITE_LIBRARIES.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keep the PostgreSQL driver and dialect inside the PostgreSQL engine', () => {
    const outside = sources(SRC)
      .filter((f) => !relative(SRC, f).startsWith('store/postgres/'))
      .filter((f) => POSTGRES_LIBRARIES.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keep each storage engine to itself: no engine imports another', () => {
    const crossings = sources(SRC).flatMap((file) => {
      const engine = ENGINES.find((e) => relative(SRC, file).startsWith(`store/${e}/`));
      if (!engine) return [];
      return importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(SRC, resolve(dirname(file), spec)))
        .filter((target) => ENGINES.some((other) => other !== engine && target.startsWith(`store/${other}/`)))
        .map((target) => `${relative(SRC, file)} -> ${target}`);
    });
    expect(crossings).toEqual([]);
  });
});
