/**
 * Collector ingest benchmark (issue 6): a real collector process on 127.0.0.1, driven from this
 * process with bounded concurrency by a synthetic fleet (scripts/bench/fleet), over HTTP
 * (`POST /api/v1/agent/snapshots`) or over websockets (`--transport ws`: one live channel per
 * agent, opened after enrolment, each snapshot a `snapshot` message timed from send to ack).
 *
 *   node_modules/.bin/tsx scripts/bench/ingest.ts --devices 10000 [--concurrency 4]
 *     [--transport http|ws] [--churned N] [--unchanged N] [--keep] [--fleet-only]
 *
 * Phases: enrol every agent; one full snapshot per new device (300-2,000 packages); a churned
 * full snapshot for N existing devices (the next round of the fleet: patches, installs,
 * removals, hardware and address changes); the same snapshot again under a new id (nothing
 * changed); then as agents send day to day, the next round's churn as a delta against the last
 * stored snapshot, and that state again as an unchanged delta. Prints ingests/s, latency percentiles, the collector's CPU per ingest, and the
 * database's bytes per device with the tables that hold them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@stocktake/collector';
import { diffSnapshot } from '@stocktake/shared';
import { Fleet } from './fleet/fleet.ts';
import { type LiveAgent, openLiveAgents } from './lib/live-agents.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const COLLECTOR_BIN = join(ROOT, 'collector', 'bin', 'stocktake-collector.mjs');
const SECRET = 'bench-enroll-secret';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '4' },
    transport: { type: 'string', default: 'http' },
    churned: { type: 'string' },
    unchanged: { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    'fleet-only': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: tsx scripts/bench/ingest.ts --devices N [--concurrency C] [--transport http|ws] [--churned N] [--unchanged N] [--keep] [--fleet-only]\n',
  );
  process.exit(0);
}
const whole = (name: string, raw: string | undefined, fallback: number) => {
  const n = Number(raw ?? fallback);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a whole number, got "${raw}"\n`);
    process.exit(64);
  }
  return n;
};
const DEVICES = whole('devices', values.devices, 10_000);
const CONCURRENCY = Math.max(1, whole('concurrency', values.concurrency, 4));
const CHURNED = Math.min(DEVICES, whole('churned', values.churned, Math.min(DEVICES, 10_000)));
const UNCHANGED = Math.min(CHURNED, whole('unchanged', values.unchanged, 2000));
if (values.transport !== 'http' && values.transport !== 'ws') {
  process.stderr.write(`--transport must be http or ws, got "${values.transport}"\n`);
  process.exit(64);
}
const TRANSPORT: 'http' | 'ws' = values.transport;

const fleet = new Fleet();
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function fleetStats(sample: number) {
  const counts: number[] = [];
  const churn = { upgraded: 0, installed: 0, removed: 0, memory: 0, ip: 0, user: 0, os: 0 };
  const platforms: Record<string, number> = {};
  let bytes = 0;
  for (let i = 0; i < sample; i++) {
    const s = fleet.initial(i);
    counts.push(s.packages.size);
    platforms[s.platform] = (platforms[s.platform] ?? 0) + 1;
    const c = fleet.churn(s, 1).summary;
    churn.upgraded += c.upgraded;
    churn.installed += c.installed;
    churn.removed += c.removed;
    churn.memory += Number(c.memoryRemoved);
    churn.ip += Number(c.ipChanged);
    churn.user += Number(c.userChanged);
    churn.os += Number(c.osChanged);
    if (i < 200) bytes += Buffer.byteLength(JSON.stringify(fleet.snapshot(s)));
  }
  counts.sort((a, b) => a - b);
  return {
    sample,
    packages: {
      min: counts[0],
      median: counts[Math.floor(sample / 2)],
      mean: Math.round(counts.reduce((a, b) => a + b, 0) / sample),
      max: counts.at(-1),
    },
    platforms,
    meanSnapshotBytes: Math.round(bytes / Math.min(sample, 200)),
    churnPerDevice: Object.fromEntries(Object.entries(churn).map(([k, v]) => [k, Number((v / sample).toFixed(3))])),
  };
}

if (values['fleet-only']) {
  process.stdout.write(`${JSON.stringify(fleetStats(Math.min(DEVICES, 5000)), null, 2)}\n`);
  process.exit(0);
}

interface Collector {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function startCollector(dbPath: string): Promise<Collector> {
  const child = spawn(
    process.execPath,
    [
      COLLECTOR_BIN,
      'serve',
      '--db',
      dbPath,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--enroll-secret',
      SECRET,
      '--log-level',
      'warn',
      // The whole synthetic fleet enrols from 127.0.0.1: the per-address limit would refuse it.
      '--enroll-rate-limit',
      '0',
    ],
    { env: { ...process.env, NO_PRETTY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        const url = match[1];
        resolvePromise({
          url,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}:\n${output}`)));
  });
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMiB(pid: number | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/status`)) return Number.NaN;
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

interface PhaseResult {
  name: string;
  /** Ingests/s of each tenth of the phase, in order: how the rate moves as the database grows. */
  deciles: number[];
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  serverCpuMs: number;
  meanBytes: number;
}

/** One request made ready (its body serialised, not timed); `send` resolves with the answer's body. */
interface Prepared {
  bytes: number;
  send: () => Promise<string>;
}

/** Over HTTP: the response body, or an error naming the status. */
async function fetchBody(url: string, init: RequestInit): Promise<string> {
  const res = await fetch(url, init);
  const body = await res.text();
  if (res.status >= 300) throw new Error(`HTTP ${res.status} ${body.slice(0, 500)}`);
  return body;
}

async function phase(
  name: string,
  count: number,
  server: Collector,
  request: (i: number) => Prepared,
  onResponse?: (i: number, body: string) => void,
): Promise<PhaseResult> {
  const latencies = new Float64Array(count);
  const finishedAt = new Float64Array(count);
  let next = 0;
  let done = 0;
  let bytes = 0;
  const cpuBefore = cpuSeconds(server.child.pid);
  const started = performance.now();
  let lastReport = started;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const prepared = request(i);
      bytes += prepared.bytes;
      const t0 = performance.now();
      let body: string;
      try {
        body = await prepared.send();
      } catch (err) {
        throw new Error(`${name} #${i}: ${(err as Error).message}`);
      }
      latencies[i] = performance.now() - t0;
      onResponse?.(i, body);
      finishedAt[done] = performance.now();
      done++;
      const now = performance.now();
      if (now - lastReport > 15_000) {
        lastReport = now;
        log(`${name}: ${done}/${count} (${Math.round(done / ((now - started) / 1000))}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  const deciles: number[] = [];
  for (let d = 0; d < 10; d++) {
    const from = Math.floor((d * count) / 10);
    const to = Math.floor(((d + 1) * count) / 10) - 1;
    const startAt = from === 0 ? started : (finishedAt[from - 1] ?? started);
    const endAt = finishedAt[to] ?? startAt;
    if (to >= from && endAt > startAt) deciles.push((to - from + 1) / ((endAt - startAt) / 1000));
  }
  const result = {
    name,
    deciles,
    count,
    seconds,
    perSecond: count / seconds,
    p50: pct(50),
    p99: pct(99),
    max: sorted.at(-1) ?? Number.NaN,
    serverCpuMs: ((cpuSeconds(server.child.pid) - cpuBefore) * 1000) / count,
    meanBytes: bytes / count,
  };
  log(
    `${name}: ${count} in ${seconds.toFixed(1)} s, ${result.perSecond.toFixed(1)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
  );
  return result;
}

function fileBytes(dbPath: string): number {
  return ['', '-wal', '-shm'].reduce(
    (sum, ext) => sum + (existsSync(dbPath + ext) ? statSync(dbPath + ext).size : 0),
    0,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'stocktake-bench-ingest-'));
const dbPath = join(dir, 'stocktake.db');
log(`fleet of ${DEVICES} devices, concurrency ${CONCURRENCY}, transport ${TRANSPORT}, database ${dbPath}`);
const server = await startCollector(dbPath);
const agents: { id: string; token: string }[] = new Array(DEVICES);
let live: LiveAgent[] | undefined;
const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});
const results: PhaseResult[] = [];
let bytesAfterFull = 0;
try {
  results.push(
    await phase(
      'enrol',
      DEVICES,
      server,
      (i) => {
        const state = fleet.initial(i);
        const platform = state.platform === 'windows' ? 'win32' : state.platform === 'macos' ? 'darwin' : 'linux';
        const init = json({ enrollSecret: SECRET, hostname: state.hostname, agentVersion: '0.1.0', platform });
        return { bytes: 0, send: () => fetchBody(`${server.url}/api/v1/agent/enroll`, init) };
      },
      (i, body) => {
        const { agentId, agentToken } = JSON.parse(body) as { agentId: string; agentToken: string };
        agents[i] = { id: agentId, token: agentToken };
      },
    ),
  );
  if (TRANSPORT === 'ws') {
    const opened = performance.now();
    live = await openLiveAgents(
      server.url,
      agents.map((a) => a.token),
    );
    log(`opened ${live.length} live channels in ${((performance.now() - opened) / 1000).toFixed(1)} s`);
  }
  // The id of each device's last snapshot sent: the base of its next delta.
  const lastSnapshotId: string[] = new Array(DEVICES);
  const push = (i: number, round: number, at: Date): Prepared => {
    const agent = agents[i];
    if (!agent) throw new Error(`agent ${i} missing`);
    const snapshot = fleet.snapshot(fleet.at(i, round), { agentId: agent.id, at });
    lastSnapshotId[i] = snapshot.snapshotId;
    const body = JSON.stringify(snapshot);
    const channel = live?.[i];
    if (channel) {
      return { bytes: body.length, send: () => channel.snapshot(body).ack.then((ack) => JSON.stringify(ack)) };
    }
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
      body,
    };
    return { bytes: body.length, send: () => fetchBody(`${server.url}/api/v1/agent/snapshots`, init) };
  };
  /** A delta body (serialised) sent by device i, over the transport in use. */
  const sendDelta = (i: number, body: string): Prepared => {
    const agent = agents[i];
    if (!agent) throw new Error(`agent ${i} missing`);
    const channel = live?.[i];
    if (channel) {
      return { bytes: body.length, send: () => channel.delta(body).ack.then((ack) => JSON.stringify(ack)) };
    }
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
      body,
    };
    return { bytes: body.length, send: () => fetchBody(`${server.url}/api/v1/agent/deltas`, init) };
  };
  results.push(
    await phase('full snapshot, new device', DEVICES, server, (i) => push(i, 0, new Date(Date.UTC(2026, 10, 1)))),
  );
  bytesAfterFull = fileBytes(dbPath);
  const stride = DEVICES / CHURNED;
  const churnedIndex = (k: number) => Math.floor(k * stride);
  results.push(
    await phase('churned full snapshot', CHURNED, server, (k) =>
      push(churnedIndex(k), 1, new Date(Date.UTC(2026, 10, 2))),
    ),
  );
  results.push(
    await phase('unchanged full snapshot', UNCHANGED, server, (k) =>
      push(churnedIndex(k), 1, new Date(Date.UTC(2026, 10, 3))),
    ),
  );
  // What agents send day to day: the next day's churn as a delta against the snapshot the
  // collector last stored, then the same state again as an unchanged delta. Both are built
  // before their phases (three fleet snapshots and two diffs per device), so the phases time
  // the collector, not the fleet generator. Devices past UNCHANGED last stored round 1 of
  // Nov 2, the others round 1 of Nov 3.
  const built = performance.now();
  const churnedDeltas: string[] = [];
  const unchangedDeltas: string[] = [];
  for (let k = 0; k < CHURNED; k++) {
    const i = churnedIndex(k);
    const agentId = agents[i]?.id;
    const baseId = lastSnapshotId[i];
    if (!agentId || !baseId) throw new Error(`agent ${i} has no stored snapshot`);
    const baseAt = new Date(Date.UTC(2026, 10, k < UNCHANGED ? 3 : 2));
    const base = { ...fleet.snapshot(fleet.at(i, 1), { agentId, at: baseAt }), snapshotId: baseId };
    const next = fleet.snapshot(fleet.at(i, 2), { agentId, at: new Date(Date.UTC(2026, 10, 4)) });
    const again = fleet.snapshot(fleet.at(i, 2), { agentId, at: new Date(Date.UTC(2026, 10, 5)) });
    churnedDeltas.push(JSON.stringify(diffSnapshot(base, next)));
    unchangedDeltas.push(JSON.stringify(diffSnapshot(next, again)));
  }
  log(`built ${CHURNED * 2} deltas in ${((performance.now() - built) / 1000).toFixed(1)} s`);
  results.push(
    await phase('churned delta', CHURNED, server, (k) => sendDelta(churnedIndex(k), churnedDeltas[k] ?? '')),
  );
  results.push(
    await phase('unchanged delta', CHURNED, server, (k) => sendDelta(churnedIndex(k), unchangedDeltas[k] ?? '')),
  );
} finally {
  for (const channel of live ?? []) channel.close();
  const rss = peakRssMiB(server.child.pid);
  await server.stop();
  log(`collector stopped (peak RSS ${rss.toFixed(0)} MiB)`);
  if (results.length > 0) report(rss);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
}

function report(rss: number): void {
  const opened = openDatabase(dbPath);
  let tables: { name: string; bytes: number }[] = [];
  const rows: Record<string, number> = {};
  try {
    try {
      tables = opened.sqlite
        .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
        .all() as { name: string; bytes: number }[];
    } catch {
      tables = [];
    }
    for (const t of [
      'devices',
      'device_software',
      'software_catalog',
      'device_components',
      'device_changes',
      'snapshots',
      'snapshot_sections',
    ]) {
      rows[t] = (opened.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
  } finally {
    opened.close();
  }
  const total = fileBytes(dbPath);
  const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    `machine: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`,
    `fleet: ${DEVICES} devices, concurrency ${CONCURRENCY}, ${JSON.stringify(fleetStats(Math.min(DEVICES, 2000)).packages)} packages per device`,
    `transport: ${TRANSPORT === 'ws' ? 'websocket, one live channel per agent (`snapshot` messages; latency from send to ack); enrolment over HTTP' : 'HTTP (`POST /api/v1/agent/snapshots` and `/deltas`)'}`,
    '',
    '| phase | snapshots | ingests/s | p50 ms | p99 ms | max ms | collector CPU ms/ingest | mean body KiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.count.toLocaleString('en-US')} | ${fmt(r.perSecond)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max, 0)} | ${fmt(r.serverCpuMs)} | ${fmt(r.meanBytes / 1024)} |`,
    ),
    '',
    ...results
      .filter((r) => r.count >= 1000)
      .map((r) => `${r.name}, ingests/s by tenth of the phase: ${r.deciles.map((d) => d.toFixed(0)).join(', ')}`),
    '',
    `database after the new-device phase: ${fmt(bytesAfterFull / 1024 ** 2)} MiB, ${fmt(bytesAfterFull / DEVICES / 1024)} KiB per device`,
    `database at the end (after ${CHURNED + UNCHANGED} more snapshots): ${fmt(total / 1024 ** 2)} MiB, ${fmt(total / DEVICES / 1024)} KiB per device`,
    `collector peak RSS: ${fmt(rss, 0)} MiB`,
    `rows: ${Object.entries(rows)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
      .join(', ')}`,
    '',
    ...(tables.length
      ? [
          '| table or index | MiB | KiB per device |',
          '| --- | --- | --- |',
          ...tables
            .slice(0, 14)
            .map((t) => `| ${t.name} | ${fmt(t.bytes / 1024 ** 2)} | ${fmt(t.bytes / DEVICES / 1024, 2)} |`),
        ]
      : ['(dbstat not available: no per-table breakdown)']),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
