/**
 * Read API benchmark: p50/p99 of the common queries on a collector database of N
 * devices, asked of a real collector process over HTTP with a reader token.
 *
 *   node_modules/.bin/tsx scripts/bench/index.ts --only api [--size 10000]
 *   node_modules/.bin/tsx scripts/bench/index.ts --only api --size 100000
 *
 * The database comes from reconcile.ts's bulk builder (500 packages per device, 1,000 licenses,
 * an N-asset register), run as its own process with --keep because that builder is not
 * exported; ingesting N devices over HTTP would take minutes and measure ingest instead.
 *
 * Each run measures one size and keeps the other sizes' figures from the section it replaces
 * (they travel in a comment of the section), so after a run at 10,000 and one at 100,000 the
 * table shows how each query scales with the fleet.
 */
import { execFileSync, spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { COLLECTOR_BIN, type RunningCollector } from '../../test/support/processes.ts';
import { percentile, sourceLine } from './deltas.ts';
import { type Engine, type EngineRun, startBenchPostgres, startCollectors } from './lib/engines.ts';
import { keptRuns, machineLine, ROOT, runsComment, table } from './lib/report.ts';
import { build, postgresSink } from './reconcile.ts';

const TARGET_P99_MS = 50;
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export interface ApiBenchOptions {
  devices: number;
  /** Requests per query. */
  requests: number;
}

/** Builds the database with reconcile.ts's builder in a child process; its path, and the builder's log. */
export function buildDatabase(
  devices: number,
  options: { packages?: number; buildOnly?: boolean } = {},
): Promise<{ path: string; log: string }> {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const args = [join(ROOT, 'scripts', 'bench', 'reconcile.ts'), '--devices', String(devices), '--keep'];
  if (options.packages) args.push('--packages', String(options.packages));
  if (options.buildOnly) args.push('--build-only');
  const child = spawn(process.execPath, [tsx, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const kept = /kept (\S+\.db)/.exec(stderr)?.[1];
      if (code === 0 && kept) return resolve({ path: kept, log: stderr });
      // The builder keeps its directory even when it fails (2.5 GiB at 100,000 devices).
      if (kept) rmSync(dirname(kept), { recursive: true, force: true });
      reject(new Error(`reconcile.ts builder exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** A new API token's secret, made with the collector's own command line (`dbPath` a file or a postgres:// URL). */
function createToken(dbPath: string, name: string, role: 'admin' | 'reader'): string {
  const out = execFileSync(
    process.execPath,
    [COLLECTOR_BIN, 'token', 'create', '--role', role, '--name', name, '--db', dbPath],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const secret = out.trim().split('\n')[0]?.trim();
  if (!secret) throw new Error(`token create printed nothing for ${name}`);
  return secret;
}

interface QueryResult {
  name: string;
  path: string;
  p50: number;
  p99: number;
  max: number;
  items: number;
  bytes: number;
  note?: string;
}

/**
 * Where the queries go: one collector, or each request to the next of several (two instances on
 * one PostgreSQL database), as a load balancer would spread them.
 */
interface Target {
  readonly url: string;
}

function roundRobin(collectors: RunningCollector[]): Target {
  let next = 0;
  return {
    get url() {
      const c = collectors[next++ % collectors.length] as RunningCollector;
      return c.url;
    },
  };
}

async function get(url: string, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

/** Stops a query early when it is this slow, so one slow query cannot hold the run for many minutes. */
const BUDGET_MS = 60_000;

/** One query asked `requests` times (or for BUDGET_MS), one at a time, after 10 warm-up requests. */
async function measure(
  server: Target,
  token: string,
  name: string,
  path: string,
  requests: number,
): Promise<QueryResult> {
  const probe = await get(`${server.url}${path}`, token);
  if (probe.status !== 200) throw new Error(`${name}: GET ${path}: HTTP ${probe.status} ${probe.text.slice(0, 300)}`);
  const items = (JSON.parse(probe.text) as { items?: unknown[] }).items?.length ?? 0;
  for (let i = 0; i < 10; i++) await get(`${server.url}${path}`, token);
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < requests && performance.now() - started < BUDGET_MS) {
    const t0 = performance.now();
    const res = await get(`${server.url}${path}`, token);
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
    samples.push(performance.now() - t0);
  }
  const run = { latencies: Float64Array.from(samples).sort() };
  const result = {
    name,
    path,
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
    max: run.latencies[run.latencies.length - 1] ?? Number.NaN,
    items,
    bytes: Buffer.byteLength(probe.text),
    ...(samples.length < requests ? { note: `${samples.length} requests (time budget)` } : {}),
  };
  log(`${name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
  return result;
}

/** The cursor of page `page` (1-based) of a list, following nextCursor from the first page. */
async function cursorOfPage(server: Target, token: string, path: string, page: number): Promise<string> {
  let cursor: string | null = null;
  for (let p = 1; p < page; p++) {
    const url: string = `${server.url}${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await get(url, token);
    if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    cursor = (JSON.parse(res.text) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error(`${path} has fewer than ${page} pages`);
  }
  if (!cursor) throw new Error(`no cursor for page ${page}`);
  return cursor;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** One size's run: what the section keeps of it so that a run at another size can add to it. */
interface SizeRun {
  devices: number;
  /** Absent in runs kept from before engines were compared: SQLite. */
  engine?: Engine;
  machine: string;
  sources: string;
  requests: number;
  dbGiB: number;
  /** The builder's process, wall clock; `builtS` of it is inserting and indexing (the rest its two reconciliation runs). */
  buildS: number;
  builtS: number;
  reconcileS: number;
  /** The whole run at this size, building included. */
  wallS: number;
  results: QueryResult[];
}

const RUNS_MARK = 'api-runs:';

/**
 * The database of one size: on SQLite, reconcile.ts's builder in its own process (which also
 * runs its two reconciliations); on PostgreSQL, the same builder here, into a cluster of the
 * benchmark's own.
 */
async function databaseFor(engine: Engine, devices: number) {
  const started = performance.now();
  if (engine === 'sqlite') {
    const built = await buildDatabase(devices);
    return {
      db: built.path,
      postgres: undefined,
      buildS: (performance.now() - started) / 1000,
      builtS: Number(/built in (\d+(?:\.\d+)?) s/.exec(built.log)?.[1] ?? Number.NaN),
      dbBytes: statSync(built.path).size,
      remove: () => rmSync(dirname(built.path), { recursive: true, force: true }),
    };
  }
  const postgres = await startBenchPostgres();
  try {
    await build(postgresSink(postgres.query), devices, 500, 1000);
    const [size] = await postgres.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
    const buildS = (performance.now() - started) / 1000;
    return {
      db: postgres.url,
      postgres,
      buildS,
      builtS: buildS,
      dbBytes: Number(size?.bytes),
      remove: () => undefined,
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

/**
 * A POST whose answer may take longer than fetch waits for headers (300 s): reconciliation at
 * 100,000 devices answers when it is done.
 */
function postAwaitingAnswer(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Measures the queries at one fleet size. */
async function runSize(opts: ApiBenchOptions, engine: Engine): Promise<SizeRun> {
  const started = performance.now();
  log(`api on ${engine}: building ${fmt(opts.devices)} devices with reconcile.ts's builder`);
  const { db: dbPath, postgres, buildS, builtS, dbBytes, remove } = await databaseFor(engine, opts.devices);
  const results: QueryResult[] = [];
  let reconcileS = 0;
  let collectors: EngineRun | undefined;
  try {
    const admin = createToken(dbPath, 'bench-admin', 'admin');
    const reader = createToken(dbPath, 'bench-reader', 'reader');
    collectors = await startCollectors(engine, dbPath, postgres, {
      enrollSecret: 'bench-enroll-secret',
      // One token sends every measured request: the per-token limit would throttle the benchmark itself.
      args: ['--log-level', 'warn', '--reconcile-cron', 'off', '--rate-limit', '0'],
    });
    const collector = roundRobin(collectors.collectors);
    // The statements listed after the run are the reconciliation's, not the build's.
    await postgres?.resetStatements();
    const t1 = performance.now();
    const run = await postAwaitingAnswer(`${collector.url}/api/v1/reconciliations`, {
      authorization: `Bearer ${admin}`,
    });
    if (run.status >= 300) throw new Error(`POST /api/v1/reconciliations: HTTP ${run.status} ${run.body}`);
    reconcileS = (performance.now() - t1) / 1000;
    log(`reconciliation over HTTP: ${reconcileS.toFixed(1)} s`);
    for (const st of (await postgres?.topStatements(6)) ?? [])
      log(`  PostgreSQL: ${st.totalMs.toFixed(0)} ms in ${st.calls} calls: ${st.query.slice(0, 140)}`);

    const n = opts.requests;
    const ask = async (name: string, path: string) => results.push(await measure(collector, reader, name, path, n));
    await ask('device list, first page', '/api/v1/devices?limit=50');
    const page = Math.max(2, Math.min(100, Math.floor(opts.devices / 50 / 2)));
    const cursor = await cursorOfPage(collector, reader, '/api/v1/devices?limit=50', page);
    await ask(`device list, page ${page} (cursor)`, `/api/v1/devices?limit=50&cursor=${encodeURIComponent(cursor)}`);
    const whoHas = (name: string) => `/api/v1/software/who-has?name=${encodeURIComponent(name)}&limit=50`;
    // pkg-1 is on nearly every device, product 5 on about 7%, product 999 on about 0.5%.
    await ask('who-has-software (pkg-1, popular)', whoHas('pkg-1'));
    await ask('who-has-software (a licensed product)', whoHas('Vendor5 Product 5'));
    await ask('who-has-software (a rarely installed product)', whoHas('Vendor29 Product 999'));
    await ask('findings, first page', '/api/v1/findings?limit=50');
    await ask('findings by severity, first page', '/api/v1/findings?sort=-severity&limit=50');
  } finally {
    if (collectors) await collectors.stop();
    else await postgres?.stop();
    remove();
  }
  const wallS = (performance.now() - started) / 1000;
  log(`api on ${engine}: ${fmt(opts.devices)} devices measured in ${(wallS / 60).toFixed(1)} min`);
  return {
    devices: opts.devices,
    engine,
    machine: machineLine(),
    sources: sourceLine(),
    requests: opts.requests,
    dbGiB: dbBytes / 1024 ** 3,
    buildS,
    builtS,
    reconcileS,
    wallS,
    results,
  };
}

/** The query's name without the page number, which follows the fleet size (page 100 at most). */
const queryKey = (name: string) => name.replace(/page \d+ \(cursor\)/, 'page N (cursor)');

const shortPath = (path: string) => `\`${path.length > 70 ? `${path.slice(0, 67)}...` : path}\``;

const engineOf = (r: SizeRun): Engine => r.engine ?? 'sqlite';
const ENGINE_ORDER: Record<Engine, number> = { sqlite: 0, pg: 1, pg2: 2 };

function render(runs: SizeRun[]): string {
  const sizes = [...runs].sort(
    (a, b) => ENGINE_ORDER[engineOf(a)] - ENGINE_ORDER[engineOf(b)] || a.devices - b.devices,
  );
  const queries = [...new Set(sizes.flatMap((r) => r.results.map((q) => queryKey(q.name))))];
  const rows: (string | number)[][] = [];
  for (const key of queries) {
    let previous: { devices: number; p50: number; p99: number; engine: Engine } | undefined;
    for (const run of sizes) {
      const r = run.results.find((q) => queryKey(q.name) === key);
      if (!r) continue;
      if (previous && previous.engine !== engineOf(run)) previous = undefined;
      const growth = previous
        ? `p50 ×${(r.p50 / previous.p50).toFixed(1)}, p99 ×${(r.p99 / previous.p99).toFixed(1)}` +
          (run.devices === previous.devices * 10
            ? ''
            : ` (from ${fmt(previous.devices)}, ${(run.devices / previous.devices).toFixed(1)}× the devices)`)
        : '';
      rows.push([
        r.note ? `${r.name} (${r.note})` : r.name,
        fmt(run.devices),
        engineOf(run),
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        r.max.toFixed(0),
        r.items,
        fmt(r.bytes),
        growth,
        r.p99 < TARGET_P99_MS ? 'met' : '**not met**',
      ]);
      previous = { devices: run.devices, p50: r.p50, p99: r.p99, engine: engineOf(run) };
    }
  }
  const paths = queries.map((key) => {
    const r = sizes.flatMap((run) => run.results).find((q) => queryKey(q.name) === key);
    return `- ${key}: ${r ? shortPath(r.path) : ''}`;
  });
  const verdicts = sizes.map((run) => {
    const worst = run.results.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const over = run.results.filter((r) => r.p99 >= TARGET_P99_MS).map((r) => r.name);
    return `${fmt(run.devices)} devices on ${engineOf(run)}: ${over.length === 0 ? 'met' : '**not met**'} (worst p99 ${worst.p99.toFixed(1)} ms, ${worst.name}${over.length ? `; over: ${over.join(', ')}` : ''})`;
  });
  return [
    '## Read API',
    '',
    "Each size is a collector database of N devices (500 packages each, 1,000 licenses, an N-asset register) built with the bulk SQL builder of the reconciliation benchmark, then one `POST /api/v1/reconciliations` through the API so there are findings. A real collector process (`stocktake-collector serve`, scheduled reconciliation off) answers; the benchmark asks each query 200 times, one at a time, after 10 warm-up requests, with a reader token. Latency is request sent to body read, on loopback. *Growth ×10* compares the query's p50 and p99 with the same query on the fleet 10× smaller (the p99 of 200 requests is their third slowest, so it moves with whatever else the machine was doing; the p50 shows the cost of the query itself). Engines: **sqlite** as above; **pg**, the same builder writing the same rows into a PostgreSQL 15 throwaway cluster of the benchmark's own (as in the ingest section; multi-row inserts, then ANALYZE, without the builder's two reconciliations), one collector; **pg2**, two collectors on that database, each request to the next instance as a load balancer would send them.",
    '',
    table(
      [
        'query',
        'devices',
        'engine',
        'p50 ms',
        'p99 ms',
        'max ms',
        'items',
        'response bytes',
        'growth ×10',
        `p99 < ${TARGET_P99_MS} ms`,
      ],
      rows,
    ),
    '',
    'Paths (page N is page 100, reached by following nextCursor from the first page):',
    '',
    ...paths,
    '',
    `Target: list queries p99 under ${TARGET_P99_MS} ms on 100,000 devices. ${verdicts.join('; ')}.`,
    '',
    table(
      [
        'devices',
        'engine',
        'database',
        'build (s)',
        'reconciliation over the API (s)',
        'whole run (min)',
        'machine',
        'sources',
      ],
      sizes.map((run) => [
        fmt(run.devices),
        engineOf(run),
        `${run.dbGiB.toFixed(2)} GiB`,
        engineOf(run) === 'sqlite'
          ? `${run.buildS.toFixed(0)} (${Number.isFinite(run.builtS) ? `${run.builtS.toFixed(0)} inserting and indexing, the rest the builder's two reconciliation runs` : 'builder'})`
          : `${run.buildS.toFixed(0)} (inserting, indexing, ANALYZE)`,
        run.reconcileS.toFixed(1),
        (run.wallS / 60).toFixed(1),
        run.machine,
        run.sources.replace(/^Sources: /, '').replace(/\.$/, ''),
      ]),
    ),
    '',
    `Reproduce: \`node_modules/.bin/tsx scripts/bench/index.ts --only api --size 10000\`, then \`--size 100000\` (\`--engines sqlite,pg,pg2\` by default, any of them); each run replaces its own size and engine's rows and keeps the others'.`,
    '',
    runsComment(RUNS_MARK, sizes),
  ].join('\n');
}

export async function apiBench(opts: ApiBenchOptions & { engines?: readonly Engine[] }): Promise<string> {
  const runs: SizeRun[] = [];
  for (const engine of opts.engines ?? ['sqlite']) runs.push(await runSize(opts, engine));
  const same = (a: SizeRun, b: SizeRun) => a.devices === b.devices && engineOf(a) === engineOf(b);
  return render([...keptRuns<SizeRun>('api', RUNS_MARK, (r) => !runs.some((run) => same(r, run))), ...runs]);
}
