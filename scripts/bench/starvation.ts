/**
 * Starvation benchmark: does anything hold the collector's event loop? A real collector process
 * gets, all at once, hostile agents pushing refused 10 MiB snapshots as fast as they are
 * answered (an over-long software array, and a list of invalid items within the limit) and a
 * large CSV import, while a prober asks `/healthz` and well-behaved agents push normal
 * snapshots. It reports the probes' and the normal ingests' latency (target: p99 under
 * 200 ms), what the hostile agents got, how long the import took, and how long the collector's
 * event loop was held (its stocktake_event_loop_delay_seconds histogram, scraped from /metrics
 * at the start and the end of each phase).
 *
 *   pnpm bench --only starvation [--size ROWS]      (default 100,000 rows)
 *
 * `STOCKTAKE_BENCH_COLLECTOR=/path/to/collector/bin/stocktake-collector.mjs` measures another
 * checkout's collector with the same load (the "before" figures of docs/benchmarks.md); an
 * older collector that answers an import at once rather than with a job is timed by that answer.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { parseSamples } from '../../collector/src/test-support/prometheus-text.ts';
import { COLLECTOR_BIN, startCollector, tempDir } from '../../test/support/processes.ts';
import { percentile, sourceLine } from './deltas.ts';
import { machineLine, table } from './lib/report.ts';
import {
  AGENT_PERIOD_MS,
  normalBody,
  PROBE_INTERVAL_MS,
  type Probes,
  pushSnapshot,
  type Series,
  startProbes,
} from './lib/starvation-probes.ts';

const TARGET_P99_MS = 200;
const SECRET = 'bench-starvation-secret';
const METRICS_TOKEN = 'bench-starvation-metrics-token';
const LOOP_DELAY = 'stocktake_event_loop_delay_seconds';
const HOSTILE_AGENTS = 4;
const NORMAL_AGENTS = 20;
/** The probes and normal agents alone first, for the machine's own latency. */
const QUIET_MS = 15_000;
/** The load stops when the import is done, or after this long. */
const MAX_WINDOW_MS = 5 * 60 * 1000;
const BODY_BYTES = 10 * 1024 * 1024;

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export interface StarvationOptions {
  rows: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A refused snapshot of about 10 MiB: more software items than the contract's 50,000. */
function oversizedSnapshot(agentId: string): Buffer {
  const snapshot = makeSnapshot({ agentId, hostname: 'hostile-long' });
  const pad = 'x'.repeat(120);
  const itemBytes = JSON.stringify(dpkgItem(`pkg-00000-${pad}`, '1.0')).length + 1;
  const count = Math.max(50_001, Math.ceil(BODY_BYTES / itemBytes));
  const items = Array.from({ length: count }, (_, i) => dpkgItem(`pkg-${i}-${pad}`, '1.0'));
  snapshot.sections.software = { ...snapshot.sections.software, data: items };
  return Buffer.from(JSON.stringify(snapshot));
}

/** A refused snapshot of about 10 MiB within the array limit: every item has a property the contract does not know. */
function invalidItemsSnapshot(agentId: string): Buffer {
  const snapshot = makeSnapshot({ agentId, hostname: 'hostile-invalid' });
  const note = 'y'.repeat(150);
  const items = Array.from({ length: 50_000 }, (_, i) => ({ ...dpkgItem(`pkg-${i}`, '1.0'), note }));
  snapshot.sections.software = { ...snapshot.sections.software, data: items as never };
  return Buffer.from(JSON.stringify(snapshot));
}

function assetsCsv(rows: number): string {
  const lines = ['Asset Tag,Item Name,Serial Number,Status,Purchase Date,Purchase Cost,Location'];
  for (let i = 0; i < rows; i++) {
    lines.push(`ST-${i},Laptop ${i},SN-${i},Deployed,2024-01-31,1249.50,HQ floor ${i % 9}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The event-loop delay histogram's cumulative counts by upper bound, or undefined when the collector has none. */
async function loopDelays(url: string): Promise<Map<string, number> | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    if (res.status !== 200) return undefined;
    const buckets = new Map<string, number>();
    for (const sample of parseSamples(await res.text())) {
      if (sample.name === `${LOOP_DELAY}_bucket` && sample.labels.le) buckets.set(sample.labels.le, sample.value);
    }
    return buckets.size > 0 ? buckets : undefined;
  } catch {
    return undefined;
  }
}

/** Samples per delay range between two scrapes: each range's own count, not the cumulative one. */
function delaysBetween(from: Map<string, number>, to: Map<string, number>): Map<string, number> {
  const counts = new Map<string, number>();
  let below = 0;
  for (const [le, total] of to) {
    const cumulative = total - (from.get(le) ?? 0);
    counts.set(le, cumulative - below);
    below = cumulative;
  }
  return counts;
}

/** A table of how often the event loop was held how long, quiet and under load. */
function loopDelayTable(scrapes: (Map<string, number> | undefined)[]): string {
  const [start, loadStart, end] = scrapes;
  if (!start || !loadStart || !end) {
    return `The collector exposes no ${LOOP_DELAY} histogram: event-loop delays not measured.`;
  }
  const quiet = delaysBetween(start, loadStart);
  const loaded = delaysBetween(loadStart, end);
  let previous = '0';
  const rows = [...end.keys()].map((le) => {
    const range =
      le === '+Inf' ? `over ${Number(previous) * 1000} ms` : `${Number(previous) * 1000}–${Number(le) * 1000} ms`;
    previous = le;
    return [range, quiet.get(le) ?? 0, loaded.get(le) ?? 0];
  });
  return [
    `How long the collector's event loop was held (\`${LOOP_DELAY}\`: how late a timer due every 20 ms ran, one sample each time):`,
    '',
    table(['held', 'samples, quiet', 'samples, under load'], rows),
  ].join('\n');
}

const ms = (ns: number) => (ns / 1e6).toFixed(0);

/** How often the import's job is read. */
const POLL_MS = 250;

/** The import entered `phase` at `at` (Date.now()). */
interface ImportPhaseMark {
  phase: string;
  at: number;
}

/** A series' requests grouped by the import's phase when each was sent; the last mark ends the load. */
function byImportPhase(s: Series, marks: readonly ImportPhaseMark[]): (string | number)[][] {
  return marks.slice(0, -1).map((mark, i) => {
    const end = marks[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    const sorted = s.latencies.filter((_, k) => (s.sentAt[k] ?? 0) >= mark.at && (s.sentAt[k] ?? 0) < end);
    sorted.sort((a, b) => a - b);
    const figure = (v: number) => (sorted.length ? v.toFixed(1) : '–');
    return [
      mark.phase,
      ((end - mark.at) / 1000).toFixed(1),
      sorted.length,
      figure(percentile(sorted, 50)),
      figure(percentile(sorted, 99)),
      figure(sorted.at(-1) ?? Number.NaN),
    ];
  });
}

function summary(s: Series): (string | number)[] {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const p99 = percentile(sorted, 99);
  return [
    s.name,
    sorted.length,
    percentile(sorted, 50).toFixed(1),
    p99.toFixed(1),
    (sorted.at(-1) ?? Number.NaN).toFixed(1),
    s.failures,
    p99 < TARGET_P99_MS ? 'met' : '**not met**',
  ];
}

export async function starvationBench(opts: StarvationOptions): Promise<string> {
  const bin = process.env.STOCKTAKE_BENCH_COLLECTOR ?? COLLECTOR_BIN;
  const dir = tempDir('stocktake-starvation-');
  const dbPath = join(dir.path, 'stocktake.db');
  const profileDir = process.env.STOCKTAKE_BENCH_CPU_PROF;
  const collector = await startCollector({
    dbPath,
    enrollSecret: SECRET,
    bin,
    ...(profileDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    extraArgs: ['--reconcile-cron', 'off', '--log-level', 'warn', '--metrics-token', METRICS_TOKEN],
  });
  const url = collector.url;
  let probes: Probes | undefined;
  try {
    const token = execFileSync(
      process.execPath,
      [bin, 'token', 'create', '--db', dbPath, '--name', 'bench', '--role', 'admin'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    ).trim();
    const admin = { authorization: `Bearer ${token}` };
    const enrol = async (hostname: string) => {
      const res = await fetch(`${url}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
      });
      if (res.status !== 201) throw new Error(`enrol ${hostname}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { agentId: string; agentToken: string };
    };
    const push = (agentToken: string, body: Buffer | string) => pushSnapshot(url, agentToken, body);

    const normal = await Promise.all(Array.from({ length: NORMAL_AGENTS }, (_, i) => enrol(`normal-${i}`)));
    // Each normal device once before the load, so the load meets steady-state ingests.
    for (const [i, a] of normal.entries()) await push(a.agentToken, normalBody(a.agentId, i));

    log('building the hostile bodies and the CSV');
    const hostile = await Promise.all(Array.from({ length: HOSTILE_AGENTS }, (_, i) => enrol(`hostile-${i}`)));
    const bodies = hostile.map((a, i) =>
      i % 2 === 0 ? oversizedSnapshot(a.agentId) : invalidItemsSnapshot(a.agentId),
    );
    const csv = assetsCsv(opts.rows);

    const hostileAnswers = new Map<number, number>();
    let stop = false;
    probes = await startProbes(url, normal);
    const loadBefore = loadavg()[0] ?? 0;
    const delaysAtStart = await loopDelays(url);
    await sleep(QUIET_MS);
    const delaysAtLoad = await loopDelays(url);
    probes.load();
    const ownDelay = monitorEventLoopDelay({ resolution: 10 });
    ownDelay.enable();
    const attacking = hostile.map(async (a, i) => {
      const body = bodies[i] as Buffer;
      while (!stop) {
        try {
          const res = await push(a.agentToken, body);
          await res.arrayBuffer();
          hostileAnswers.set(res.status, (hostileAnswers.get(res.status) ?? 0) + 1);
        } catch {
          hostileAnswers.set(0, (hostileAnswers.get(0) ?? 0) + 1);
        }
      }
    });

    log(
      `importing ${opts.rows} rows (${(csv.length / 1024 / 1024).toFixed(1)} MiB) under ${HOSTILE_AGENTS} hostile agents`,
    );
    const importStarted = performance.now();
    // The import's phases as its job reports them, from the upload on: the normal snapshots are
    // also told apart by the phase they were sent in.
    const phases: ImportPhaseMark[] = [{ phase: 'upload', at: Date.now() }];
    let importOutcome = 'not finished in the window';
    const importing = (async () => {
      const res = await fetch(`${url}/api/v1/assets/import`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'text/csv' },
        body: csv,
      });
      const answer = (await res.json()) as { state?: string; rows?: number; detail?: string };
      if (res.status === 200) {
        importOutcome = `answered at once (200): ${answer.rows} rows`;
        return;
      }
      if (res.status !== 202) {
        importOutcome = `refused: ${res.status} ${answer.detail ?? ''}`;
        return;
      }
      const location = res.headers.get('location') ?? '';
      // Polling stops with the load: past the window the collector is stopped under it.
      while (!stop) {
        await sleep(POLL_MS);
        if (stop) return;
        const job = (await (await fetch(`${url}${location}`, { headers: admin })).json()) as {
          state: string;
          result?: { rows: number };
          problem?: { detail?: string };
          progress?: { phase: string; done: number; total?: number };
        };
        if (job.progress) {
          const { phase, done, total } = job.progress;
          if (phase !== phases.at(-1)?.phase) phases.push({ phase, at: Date.now() });
          importOutcome = `job (202) not finished in the window: ${phase}, ${done}${total === undefined ? '' : ` of ${total}`} rows`;
        }
        if (job.state === 'succeeded') {
          importOutcome = `job (202) succeeded: ${job.result?.rows} rows`;
          return;
        }
        if (job.state === 'failed') {
          importOutcome = `job (202) failed: ${job.problem?.detail ?? ''}`;
          return;
        }
      }
    })();
    await Promise.race([importing, sleep(MAX_WINDOW_MS)]);
    const importS = (performance.now() - importStarted) / 1000;
    phases.push({ phase: 'stopping', at: Date.now() });
    const loadAfter = loadavg()[0] ?? 0;
    const delaysAtEnd = await loopDelays(url);
    stop = true;
    log(`import: ${importOutcome} in ${importS.toFixed(1)} s; stopping the load`);
    const [measured] = await Promise.all([probes.stop(), ...attacking]);
    ownDelay.disable();
    log('the load has stopped');

    const answers = [...hostileAnswers.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${n} × ${status === 0 ? 'no answer' : status}`)
      .join(', ');
    return [
      '## Starvation: probes and agents while the collector is under attack',
      '',
      `${machineLine()}. ${sourceLine()}${bin === COLLECTOR_BIN ? '' : ` Collector: ${bin}.`}`,
      '',
      `First ${QUIET_MS / 1000} s of probes and normal agents alone (quiet), then, all at once on one collector process: ${HOSTILE_AGENTS} hostile agents each pushing a refused ${BODY_BYTES / 1024 / 1024} MiB snapshot as fast as they are answered (two with an over-long software array, two with 50,000 invalid items), ignoring Retry-After; a ${opts.rows.toLocaleString('en')}-row asset CSV import; a prober asking \`/healthz\` every ${PROBE_INTERVAL_MS} ms; ${NORMAL_AGENTS} normal agents each pushing a 300-package snapshot every ${AGENT_PERIOD_MS} ms on a schedule of its own, spread over that period (one every ${AGENT_PERIOD_MS / NORMAL_AGENTS} ms in all), throughout. The prober and the normal agents run in a process of their own, as a load balancer and real agents would, and time their requests there; the hostile agents and the import are sent from the benchmark's process. Measured from the start of the load until the import is done. Target: p99 under ${TARGET_P99_MS} ms.`,
      '',
      table(
        ['request', 'count', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'target'],
        [measured.quietProbes, measured.quietIngests, measured.probes, measured.ingests].map(summary),
      ),
      '',
      `Normal snapshots under load by the import's phase when they were sent (from its job, read every ${POLL_MS} ms):`,
      '',
      table(['phase', 'seconds', 'count', 'p50 ms', 'p99 ms', 'max ms'], byImportPhase(measured.ingests, phases)),
      '',
      loopDelayTable([delaysAtStart, delaysAtLoad, delaysAtEnd]),
      '',
      `The measuring process's own event loop under load ran its timers late by ${measured.ownDelay.p99.toFixed(0)} ms at p99 (${measured.ownDelay.max.toFixed(0)} ms at most); the benchmark's process, sending the hostile bodies and the import, by ${ms(ownDelay.percentile(99))} ms (${ms(ownDelay.max)} ms).`,
      '',
      `Hostile agents got: ${answers || 'nothing'}. Import: ${importOutcome}, ${importS.toFixed(1)} s. Machine load average (1 min) ${loadBefore.toFixed(1)} before the load, ${loadAfter.toFixed(1)} at its end: on a shared machine the quiet rows are the baseline to read the others against.`,
    ].join('\n');
  } finally {
    probes?.kill();
    await collector.stop();
    dir.remove();
  }
}
