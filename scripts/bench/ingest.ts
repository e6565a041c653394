/**
 * Collector ingest benchmark: a real collector process on 127.0.0.1, driven
 * from this process with bounded concurrency by a synthetic fleet (scripts/bench/fleet), over
 * HTTP (`POST /api/v1/agent/snapshots` and `/deltas`) or over websockets (`--transport ws`:
 * one live channel per agent, each message timed from send to ack; agents enrol over HTTP, and
 * their channels are opened before each phase's requests, at most LIVE_CHUNK at once).
 *
 *   pnpm bench --only ingest [--size 10000] [--transport http|ws]   (writes docs/benchmarks.md)
 *   node_modules/.bin/tsx scripts/bench/ingest.ts --devices 10000 [--concurrency 32]
 *     [--transport http|ws] [--churned N] [--unchanged N] [--live-chunk N] [--keep] [--fleet-only]   (prints only)
 *
 * Phases: enrol every agent; one full snapshot per new device (300-2,000 packages); a churned
 * full snapshot for N existing devices (the next round of the fleet: patches, installs,
 * removals, hardware and address changes); the same snapshot again under a new id (nothing
 * changed); then as agents send day to day, the next round's churn as a delta against the last
 * stored snapshot, and that state again as an unchanged delta. Measures ingests/s, latency
 * percentiles, the collector's CPU per ingest and peak RSS, that every snapshot sent is stored,
 * and the database's bytes per device with the tables that hold them.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '@stocktake/collector';
import { diffSnapshot } from '@stocktake/shared';
import { startCollector } from '../../test/support/processes.ts';
import { cpuSeconds, peakRssMiB, sourceLine, type Transport, topFunctions } from './deltas.ts';
import { Fleet } from './fleet/fleet.ts';
import {
  type BenchPostgres,
  ENGINE_LABEL,
  type Engine,
  type EngineRun,
  parseEngines,
  type StatementFigures,
  startEngine,
} from './lib/engines.ts';
import { LiveChannels } from './lib/live-agents.ts';
import { keptRuns, machineLine, runsComment, table } from './lib/report.ts';

const SECRET = 'bench-enroll-secret';
/**
 * Live channels open at once over the websocket. Each is an open file in both processes, and
 * an unprivileged process here may hold 20,000 (`ulimit -Hn`), so a larger fleet's channels
 * are held this many at a time.
 */
const LIVE_CHUNK = 10_000;

export interface IngestOptions {
  devices: number;
  /** Requests (or messages awaiting their ack) in flight at once. */
  concurrency: number;
  transport: Transport;
  /** The store, and how many collectors share it (default sqlite). */
  engine?: Engine;
  /** New devices sent, after the measured phases, to a collector under V8's CPU profiler (default none). */
  profiled?: number;
  /** Devices that send the churned rounds (default min(devices, 10,000)). */
  churned?: number;
  /** Of those, devices that send the unchanged full snapshot (default 2,000). */
  unchanged?: number;
  /** Keep the database directory (its path is logged). */
  keep?: boolean;
  /** Live channels open at once over the websocket (default LIVE_CHUNK). */
  liveChunk?: number;
  /** Write the database in this folder, which the caller removes (default: a temporary one). */
  dir?: string;
  /** How long the collector may take to start (startCollector's default when absent). */
  startTimeoutMs?: number;
}

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
  /** PostgreSQL's CPU per ingest (its processes', from /proc); absent on SQLite. */
  databaseCpuMs?: number;
  /** The statements PostgreSQL spent the most time on in this phase (pg_stat_statements). */
  statements?: StatementFigures[];
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

/**
 * Before each chunk of a phase's requests (`chunk` at a time; all at once when absent), `hold`
 * gets ready what they need: the live channels of the chunk's devices, when one process cannot
 * hold a channel for every device. Its time and the collector CPU it costs are left out of the
 * phase's figures.
 */
interface Chunking {
  chunk: number;
  hold: (from: number, to: number) => Promise<void>;
}

/** The CPU a phase is charged: every collector of the run together, and the database server's. */
interface CpuMeter {
  collector(): number;
  database(): number;
  postgres?: BenchPostgres;
}

async function runPhase(
  name: string,
  count: number,
  concurrency: number,
  cpu: CpuMeter,
  request: (i: number) => Prepared,
  onResponse?: (i: number, body: string) => void,
  chunking?: Chunking,
): Promise<PhaseResult> {
  const latencies = new Float64Array(count);
  const finishedAt = new Float64Array(count);
  let next = 0;
  let end = 0;
  let done = 0;
  let bytes = 0;
  // The phase's clock stops while a chunk is being held.
  let pausedMs = 0;
  let pausedCpuS = 0;
  let pausedDbS = 0;
  const clock = () => performance.now() - pausedMs;
  await cpu.postgres?.resetStatements();
  const cpuBefore = cpu.collector();
  const dbBefore = cpu.database();
  const started = clock();
  let lastReport = started;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= end) return;
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
      finishedAt[done] = clock();
      done++;
      const now = clock();
      if (now - lastReport > 15_000) {
        lastReport = now;
        log(`${name}: ${done}/${count} (${Math.round(done / ((now - started) / 1000))}/s)`);
      }
    }
  };
  const chunk = chunking ? Math.max(1, chunking.chunk) : count;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk);
    if (chunking) {
      const heldAt = performance.now();
      const cpuAt = cpu.collector();
      const dbAt = cpu.database();
      await chunking.hold(from, to);
      pausedCpuS += cpu.collector() - cpuAt;
      pausedDbS += cpu.database() - dbAt;
      pausedMs += performance.now() - heldAt;
    }
    next = from;
    end = to;
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  const seconds = (clock() - started) / 1000;
  const collectorCpuS = cpu.collector() - cpuBefore - pausedCpuS;
  const databaseCpuS = cpu.database() - dbBefore - pausedDbS;
  const statements = await cpu.postgres?.topStatements(8);
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
    serverCpuMs: (collectorCpuS * 1000) / count,
    ...(Number.isFinite(databaseCpuS) ? { databaseCpuMs: (databaseCpuS * 1000) / count } : {}),
    ...(statements ? { statements } : {}),
    meanBytes: bytes / count,
  };
  log(
    `${name}: ${count} in ${seconds.toFixed(1)} s, ${result.perSecond.toFixed(1)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, collector CPU ${result.serverCpuMs.toFixed(2)} ms${result.databaseCpuMs === undefined ? '' : `, PostgreSQL CPU ${result.databaseCpuMs.toFixed(2)} ms`} per ingest`,
  );
  return result;
}

/**
 * The database's size in use: its pages less the free ones, as a reader sees it now (the
 * write-ahead log included, whatever has been checkpointed), so it does not depend on when
 * the last checkpoint ran.
 */
async function databaseBytes(run: EngineRun): Promise<number> {
  if (run.postgres) {
    const [row] = await run.postgres.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
    return Number(row?.bytes);
  }
  const opened = openDatabase(run.db);
  try {
    const pragma = (name: string) => Number(opened.sqlite.pragma(name, { simple: true }));
    return (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  } finally {
    opened.close();
  }
}

export interface IngestRun {
  devices: number;
  concurrency: number;
  transport: Transport;
  /** Absent in runs kept from before engines were compared: SQLite. */
  engine?: Engine;
  /** Where the CPU of the profiled collector went, when one ran. */
  profile?: ProfileResult;
  machine: string;
  sources: string;
  packages: ReturnType<typeof fleetStats>['packages'];
  phases: PhaseResult[];
  bytesAfterFull: number;
  bytesAtEnd: number;
  /** Snapshots the collector holds at the end, and how many were sent (a full or a delta each). */
  stored: number;
  sent: number;
  rssMiB: number;
  rows: Record<string, number>;
  tables: { name: string; bytes: number }[];
  wallS: number;
}

/** Runs every phase at one fleet size over one transport. */
export async function runIngest(opts: IngestOptions): Promise<IngestRun> {
  const DEVICES = opts.devices;
  const CONCURRENCY = Math.max(1, opts.concurrency);
  const TRANSPORT = opts.transport;
  const CHURNED = Math.min(DEVICES, opts.churned ?? Math.min(DEVICES, 10_000));
  const UNCHANGED = Math.min(CHURNED, opts.unchanged ?? 2000);
  const startedAt = performance.now();
  const sources = sourceLine();
  const ENGINE = opts.engine ?? 'sqlite';
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'stocktake-bench-ingest-'));
  // The whole synthetic fleet enrols from 127.0.0.1: the per-address limit would refuse it.
  const serveArgs = ['--log-level', 'warn', '--enroll-rate-limit', '0'];
  const engine = await startEngine(ENGINE, dir, { enrollSecret: SECRET, args: serveArgs });
  log(
    `fleet of ${DEVICES} devices, concurrency ${CONCURRENCY}, transport ${TRANSPORT}, ${ENGINE_LABEL[ENGINE]}, database ${engine.postgres ? engine.db : join(dir, 'stocktake.db')}`,
  );
  const cpu: CpuMeter = {
    collector: engine.collectorCpuSeconds,
    database: engine.databaseCpuSeconds,
    ...(engine.postgres ? { postgres: engine.postgres } : {}),
  };
  const urlOf = (i: number) => engine.collectorOf(i).url;
  const agents: { id: string; token: string }[] = new Array(DEVICES);
  const tokenOf = (i: number) => {
    const token = agents[i]?.token;
    if (!token) throw new Error(`agent ${i} not enrolled`);
    return token;
  };
  // One set of live channels per collector: device i holds its channel on the collector it talks to.
  const lives = TRANSPORT === 'ws' ? engine.collectors.map((c) => new LiveChannels(c.url, tokenOf)) : undefined;
  const live = lives && {
    get: (i: number) => lives[i % lives.length]?.get(i),
    hold: (devices: number[]) =>
      Promise.all(lives.map((l, n) => l.hold(devices.filter((i) => i % lives.length === n)))),
    closeAll: () => Promise.all(lives.map((l) => l.closeAll())),
  };
  /**
   * A phase of requests from devices `deviceOf(0..count-1)`. Over the websocket, the devices'
   * channels are opened LIVE_CHUNK at a time before their requests (and the others' closed),
   * outside the phase's time.
   */
  const phase = (
    name: string,
    count: number,
    request: (i: number) => Prepared,
    deviceOf: (k: number) => number = (k) => k,
  ) =>
    runPhase(
      name,
      count,
      CONCURRENCY,
      cpu,
      request,
      undefined,
      live && {
        chunk: opts.liveChunk ?? LIVE_CHUNK,
        hold: async (from, to) => {
          const held = performance.now();
          await live.hold(Array.from({ length: to - from }, (_, j) => deviceOf(from + j)));
          log(
            `${name}: live channels for requests ${from} to ${to - 1} held in ${((performance.now() - held) / 1000).toFixed(1)} s`,
          );
        },
      },
    );
  const json = (body: unknown, token?: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const results: PhaseResult[] = [];
  let bytesAfterFull = 0;
  let rss = Number.NaN;
  let profile: ProfileResult | undefined;
  try {
    results.push(
      // Over HTTP whatever the transport: agents enrol before they open a live channel.
      await runPhase(
        'enrol',
        DEVICES,
        CONCURRENCY,
        cpu,
        (i) => {
          const state = fleet.initial(i);
          const platform = state.platform === 'windows' ? 'win32' : state.platform === 'macos' ? 'darwin' : 'linux';
          const init = json({ enrollSecret: SECRET, hostname: state.hostname, agentVersion: '0.1.0', platform });
          return { bytes: 0, send: () => fetchBody(`${urlOf(i)}/api/v1/agent/enroll`, init) };
        },
        (i, body) => {
          const { agentId, agentToken } = JSON.parse(body) as { agentId: string; agentToken: string };
          agents[i] = { id: agentId, token: agentToken };
        },
      ),
    );
    const liveChannel = (i: number) => {
      const channel = live?.get(i);
      if (!channel) throw new Error(`device ${i} has no live channel open`);
      return channel;
    };
    // The id of each device's last snapshot sent: the base of its next delta.
    const lastSnapshotId: string[] = new Array(DEVICES);
    const push = (i: number, round: number, at: Date): Prepared => {
      const agent = agents[i];
      if (!agent) throw new Error(`agent ${i} missing`);
      const snapshot = fleet.snapshot(fleet.at(i, round), { agentId: agent.id, at });
      lastSnapshotId[i] = snapshot.snapshotId;
      const body = JSON.stringify(snapshot);
      if (live) return { bytes: body.length, send: () => liveChannel(i).snapshot(body).ack.then(JSON.stringify) };
      const init: RequestInit = {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
        body,
      };
      return { bytes: body.length, send: () => fetchBody(`${urlOf(i)}/api/v1/agent/snapshots`, init) };
    };
    /** A delta body (serialised) sent by device i, over the transport in use. */
    const sendDelta = (i: number, body: string): Prepared => {
      const agent = agents[i];
      if (!agent) throw new Error(`agent ${i} missing`);
      if (live) return { bytes: body.length, send: () => liveChannel(i).delta(body).ack.then(JSON.stringify) };
      const init: RequestInit = {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
        body,
      };
      return { bytes: body.length, send: () => fetchBody(`${urlOf(i)}/api/v1/agent/deltas`, init) };
    };
    results.push(await phase('full snapshot, new device', DEVICES, (i) => push(i, 0, new Date(Date.UTC(2026, 10, 1)))));
    bytesAfterFull = await databaseBytes(engine);
    const stride = DEVICES / CHURNED;
    const churnedIndex = (k: number) => Math.floor(k * stride);
    results.push(
      await phase(
        'churned full snapshot',
        CHURNED,
        (k) => push(churnedIndex(k), 1, new Date(Date.UTC(2026, 10, 2))),
        churnedIndex,
      ),
    );
    results.push(
      await phase(
        'unchanged full snapshot',
        UNCHANGED,
        (k) => push(churnedIndex(k), 1, new Date(Date.UTC(2026, 10, 3))),
        churnedIndex,
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
      // Building takes minutes at 10,000 devices. Held that long, the event loop would miss the
      // collector closing idle keep-alive connections (the next POST on one fails) and leave
      // live channels' pings unanswered (the collector drops them): let it run now and then.
      if (k % 100 === 99) await new Promise((resolveTick) => setImmediate(resolveTick));
    }
    log(`built ${CHURNED * 2} deltas in ${((performance.now() - built) / 1000).toFixed(1)} s`);
    results.push(
      await phase('churned delta', CHURNED, (k) => sendDelta(churnedIndex(k), churnedDeltas[k] ?? ''), churnedIndex),
    );
    results.push(
      await phase(
        'unchanged delta',
        CHURNED,
        (k) => sendDelta(churnedIndex(k), unchangedDeltas[k] ?? ''),
        churnedIndex,
      ),
    );
  } catch (err) {
    await live?.closeAll();
    await engine.stop();
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  try {
    await live?.closeAll();
    rss = Math.max(...engine.collectors.map((c) => peakRssMiB(c.process.pid)));
    await Promise.all(engine.collectors.map((c) => c.stop()));
    log(`collectors stopped (peak RSS ${rss.toFixed(0)} MiB)`);
    if (opts.profiled) profile = await profileNewDevices(engine, dir, DEVICES, opts.profiled, CONCURRENCY);
    const { rows, tables } = await inspectDatabase(engine);
    const sent = results.filter((r) => r.name !== 'enrol').reduce((n, r) => n + r.count, 0) + (profile?.devices ?? 0);
    return {
      devices: DEVICES,
      concurrency: CONCURRENCY,
      transport: TRANSPORT,
      engine: ENGINE,
      ...(profile ? { profile } : {}),
      machine: machineLine(),
      sources,
      packages: fleetStats(Math.min(DEVICES, 2000)).packages,
      phases: results,
      bytesAfterFull,
      bytesAtEnd: await databaseBytes(engine),
      stored: rows.snapshots ?? 0,
      sent,
      rssMiB: rss,
      rows,
      tables: tables.slice(0, 10),
      wallS: (performance.now() - startedAt) / 1000,
    };
  } finally {
    await engine.stop();
    if (opts.dir) log(`database left in ${dir}`);
    else if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

/** Where a profiled collector's CPU went while it took new devices' first snapshots. */
export interface ProfileResult {
  devices: number;
  perSecond: number;
  collectorCpuMs: number;
  databaseCpuMs?: number;
  functions: { name: string; where: string; share: number }[];
  statements?: StatementFigures[];
}

/**
 * After the measured phases, on the same database: one more collector, under V8's CPU profiler,
 * enrols `count` further devices of the fleet (indices from `from`) and takes their first full
 * snapshot; PostgreSQL's statements are counted over the same requests. The profile is written
 * when the collector exits.
 */
async function profileNewDevices(
  engine: EngineRun,
  dir: string,
  from: number,
  count: number,
  concurrency: number,
): Promise<ProfileResult> {
  const profDir = join(dir, 'profile');
  const server = await startCollector({
    dbPath: engine.db,
    enrollSecret: SECRET,
    extraArgs: ['--log-level', 'warn', '--enroll-rate-limit', '0'],
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir],
    startTimeoutMs: 300_000,
  });
  const tokens: string[] = new Array(count);
  const ids: string[] = new Array(count);
  let phase: PhaseResult;
  try {
    const cpu: CpuMeter = {
      collector: () => cpuSeconds(server.process.pid),
      database: engine.databaseCpuSeconds,
      ...(engine.postgres ? { postgres: engine.postgres } : {}),
    };
    await runPhase(
      'profiled: enrol',
      count,
      concurrency,
      cpu,
      (k) => {
        const state = fleet.initial(from + k);
        const init: RequestInit = {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            enrollSecret: SECRET,
            hostname: state.hostname,
            agentVersion: '0.1.0',
            platform: 'linux',
          }),
        };
        return { bytes: 0, send: () => fetchBody(`${server.url}/api/v1/agent/enroll`, init) };
      },
      (k, body) => {
        const answer = JSON.parse(body) as { agentId: string; agentToken: string };
        ids[k] = answer.agentId;
        tokens[k] = answer.agentToken;
      },
    );
    phase = await runPhase('profiled: full snapshot, new device', count, concurrency, cpu, (k) => {
      const snapshot = fleet.snapshot(fleet.initial(from + k), {
        agentId: ids[k] ?? '',
        at: new Date(Date.UTC(2026, 10, 1)),
      });
      const body = JSON.stringify(snapshot);
      const init: RequestInit = {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[k]}` },
        body,
      };
      return { bytes: body.length, send: () => fetchBody(`${server.url}/api/v1/agent/snapshots`, init) };
    });
  } finally {
    await server.stop();
  }
  const file = existsSync(profDir) ? readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  return {
    devices: count,
    perSecond: phase.perSecond,
    collectorCpuMs: phase.serverCpuMs,
    ...(phase.databaseCpuMs === undefined ? {} : { databaseCpuMs: phase.databaseCpuMs }),
    functions: file ? topFunctions(join(profDir, file), 20) : [],
    ...(phase.statements ? { statements: phase.statements } : {}),
  };
}

const COUNTED = [
  'devices',
  'device_software',
  'software_catalog',
  'device_components',
  'device_changes',
  'snapshots',
  'snapshot_sections',
];

async function inspectDatabase(
  run: EngineRun,
): Promise<{ rows: Record<string, number>; tables: { name: string; bytes: number }[] }> {
  if (run.postgres) {
    const rows: Record<string, number> = {};
    for (const t of COUNTED) {
      const [row] = await run.postgres.query<{ n: string }>(`select count(*) as n from ${t}`);
      rows[t] = Number(row?.n);
    }
    const tables = await run.postgres.query<{ name: string; bytes: string }>(
      `select c.relname as name, pg_relation_size(c.oid) + coalesce(pg_total_relation_size(c.reltoastrelid), 0) as bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'i')
        order by bytes desc limit 20`,
    );
    return { rows, tables: tables.map((t) => ({ name: t.name, bytes: Number(t.bytes) })) };
  }
  const opened = openDatabase(run.db);
  const rows: Record<string, number> = {};
  try {
    let tables: { name: string; bytes: number }[] = [];
    try {
      tables = opened.sqlite
        .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
        .all() as { name: string; bytes: number }[];
    } catch {
      tables = [];
    }
    for (const t of COUNTED) {
      rows[t] = (opened.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    return { rows, tables };
  } finally {
    opened.close();
  }
}

const RUNS_MARK = 'ingest-runs:';
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const TARGET_FULL = 200;
const TARGET_UNCHANGED_DELTAS = 5000;
/** Collector CPU per new device on PostgreSQL, at most this many times SQLite's. */
const TARGET_PG_CPU_RATIO = 1.5;
/** New devices sent to a profiled collector after each engine's measured phases. */
const PROFILED = 1000;

const engineOf = (r: IngestRun): Engine => r.engine ?? 'sqlite';
const ENGINE_ORDER: Record<Engine, number> = { sqlite: 0, pg: 1, pg2: 2 };
const sameRun = (a: IngestRun, b: IngestRun) =>
  a.devices === b.devices && a.transport === b.transport && engineOf(a) === engineOf(b);

/** The phases compared engine by engine, with the CPU that lets one project how many instances a database feeds. */
const COMPARED = ['full snapshot, new device', 'churned full snapshot', 'churned delta', 'unchanged delta'];

/** One table per size and transport run on more than one engine: an engine a column. */
function engineColumns(sorted: IngestRun[]): string[] {
  const groups = new Map<string, IngestRun[]>();
  for (const r of sorted) {
    const key = `${r.devices} ${r.transport}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: string[] = [];
  for (const runs of groups.values()) {
    if (runs.length < 2) continue;
    const first = runs[0] as IngestRun;
    const cols = [...runs].sort((a, b) => ENGINE_ORDER[engineOf(a)] - ENGINE_ORDER[engineOf(b)]);
    const rows: (string | number)[][] = [];
    const cell = (run: IngestRun, phase: string, f: (p: PhaseResult) => string) => {
      const p = run.phases.find((x) => x.name === phase);
      return p ? f(p) : '';
    };
    for (const phase of COMPARED) {
      rows.push([`**${phase}**: ingests/s`, ...cols.map((r) => cell(r, phase, (p) => fmt(p.perSecond)))]);
      rows.push(['p50 / p99 ms', ...cols.map((r) => cell(r, phase, (p) => `${fmt(p.p50, 0)} / ${fmt(p.p99, 0)}`))]);
      rows.push(['collector CPU ms per ingest', ...cols.map((r) => cell(r, phase, (p) => fmt(p.serverCpuMs, 2)))]);
      rows.push([
        'PostgreSQL CPU ms per ingest',
        ...cols.map((r) => cell(r, phase, (p) => (p.databaseCpuMs === undefined ? '–' : fmt(p.databaseCpuMs, 2)))),
      ]);
    }
    rows.push(['collector peak RSS MiB (the larger instance)', ...cols.map((r) => fmt(r.rssMiB, 0))]);
    rows.push(['database MiB at the end', ...cols.map((r) => fmt(r.bytesAtEnd / 1024 ** 2, 0))]);
    rows.push(['snapshots stored of sent', ...cols.map((r) => `${fmt(r.stored, 0)} of ${fmt(r.sent, 0)}`)]);
    out.push(
      `### ${fmt(first.devices, 0)} devices over ${first.transport}: the engines side by side`,
      '',
      table(['', ...cols.map((r) => ENGINE_LABEL[engineOf(r)])], rows),
      '',
    );
    const sqlite = cols.find((r) => engineOf(r) === 'sqlite');
    const perDevice = (r: IngestRun | undefined, phase: string) => r?.phases.find((p) => p.name === phase);
    for (const r of cols.filter((c) => engineOf(c) !== 'sqlite')) {
      const fresh = perDevice(r, 'full snapshot, new device');
      const same = perDevice(r, 'unchanged delta');
      const base = perDevice(sqlite, 'full snapshot, new device');
      const feeds = (p: PhaseResult | undefined) =>
        p?.databaseCpuMs ? `${(p.serverCpuMs / p.databaseCpuMs).toFixed(1)}` : '?';
      const ratio = fresh && base ? fresh.serverCpuMs / base.serverCpuMs : Number.NaN;
      out.push(
        `- ${ENGINE_LABEL[engineOf(r)]}: collector CPU per new device ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}× SQLite's (target at most ${TARGET_PG_CPU_RATIO}×: ${ratio <= TARGET_PG_CPU_RATIO ? 'met' : '**not met**'})` : '(no SQLite run to compare)'}. One core of the database server does the PostgreSQL work of ${feeds(fresh)} collector cores taking new devices, or ${feeds(same)} taking unchanged deltas; so, collectors on cores like the server's, one database feeds about that many busy instance-cores before it is the limit.`,
      );
    }
    out.push('');
  }
  return out;
}

/** Where the profiled collector's time went, and PostgreSQL's statements over the same requests. */
function profileNotes(sorted: IngestRun[]): string[] {
  const out: string[] = [];
  for (const r of sorted) {
    const p = r.profile;
    if (!p) continue;
    const label = `${ENGINE_LABEL[engineOf(r)]}, ${fmt(r.devices, 0)} devices over ${r.transport}`;
    out.push(
      `**Profile, ${label}**: after the measured phases, one more collector under V8's CPU profiler (\`node --cpu-prof\`) enrolled ${fmt(p.devices, 0)} further devices and took their first full snapshot: ${fmt(p.perSecond)}/s, collector CPU ${fmt(p.collectorCpuMs, 2)} ms per device${p.databaseCpuMs === undefined ? '' : `, PostgreSQL CPU ${fmt(p.databaseCpuMs, 2)} ms`} (profiler included). Self time per function, start-up and enrolment included:`,
      '',
      table(
        ['function', 'where', 'share of samples'],
        p.functions
          .slice(0, 12)
          .map((f) => [f.name, f.where ? `\`${f.where}\`` : '', `${(f.share * 100).toFixed(1)}%`]),
      ),
      '',
    );
    const statements = p.statements ?? r.phases.find((x) => x.name === 'full snapshot, new device')?.statements;
    if (statements?.length) {
      out.push(
        `PostgreSQL's statements over those new devices (pg_stat_statements, execution time; the \`FOR KEY SHARE\` selects are the foreign-key checks PostgreSQL runs per inserted row):`,
        '',
        table(
          ['statement', 'calls', 'total ms', 'ms per call', 'share'],
          statements.map((s) => [
            `\`${s.query.length > 110 ? `${s.query.slice(0, 107)}...` : s.query}\``,
            fmt(s.calls, 0),
            fmt(s.totalMs, 0),
            fmt(s.meanMs, 2),
            `${(s.share * 100).toFixed(1)}%`,
          ]),
        ),
        '',
      );
    }
  }
  return out;
}

/** The section of docs/benchmarks.md: every kept run (size × transport × engine), phases side by side. */
export function renderIngest(runs: IngestRun[]): string {
  const sorted = [...runs].sort(
    (a, b) =>
      a.devices - b.devices ||
      a.transport.localeCompare(b.transport) ||
      ENGINE_ORDER[engineOf(a)] - ENGINE_ORDER[engineOf(b)],
  );
  const phaseNames = [...new Set(sorted.flatMap((r) => r.phases.map((p) => p.name)))];
  const rows: (string | number)[][] = [];
  for (const name of phaseNames) {
    for (const run of sorted) {
      const p = run.phases.find((x) => x.name === name);
      if (!p) continue;
      rows.push([
        name,
        fmt(run.devices, 0),
        run.transport,
        engineOf(run),
        fmt(p.count, 0),
        fmt(p.perSecond),
        fmt(p.p50),
        fmt(p.p99),
        fmt(p.max, 0),
        fmt(p.serverCpuMs, 2),
        p.databaseCpuMs === undefined ? '–' : fmt(p.databaseCpuMs, 2),
        fmt(p.meanBytes / 1024),
      ]);
    }
  }
  const best = (phase: string) =>
    sorted.flatMap((r) => r.phases.filter((p) => p.name === phase).map((p) => ({ run: r, p })));
  const verdict = (phase: string, target: number) =>
    best(phase)
      .map(
        ({ run, p }) =>
          `${fmt(run.devices, 0)} devices over ${run.transport} on ${engineOf(run)}: ${p.perSecond >= target ? 'met' : '**not met**'} (${fmt(p.perSecond)}/s, ${(p.perSecond / target).toFixed(2)}× the target)`,
      )
      .join('; ');
  const storage = sorted.map(
    (r) =>
      `| ${fmt(r.devices, 0)} | ${r.transport} | ${engineOf(r)} | ${fmt(r.bytesAfterFull / r.devices / 1024)} | ${fmt(r.bytesAtEnd / r.devices / 1024)} | ${fmt(r.bytesAtEnd / 1024 ** 3, 2)} | ${fmt(r.rssMiB, 0)} | ${fmt(r.stored, 0)} of ${fmt(r.sent, 0)} | ${fmt(r.wallS / 60, 0)} min |`,
  );
  const largest = sorted.at(-1);
  return [
    '## Collector ingest',
    '',
    `A real collector (\`stocktake-collector serve\`, its own process) on 127.0.0.1, driven from the benchmark process with ${sorted[0]?.concurrency ?? 32} requests (or websocket messages awaiting their ack) in flight, by the synthetic fleet of \`scripts/bench/fleet/\`: 50% Windows, 40% Linux, 10% macOS devices, 300 to 2,000 packages each (median ${largest?.packages.median ?? '?'}, mean ${largest?.packages.mean ?? '?'}) drawn from per-platform catalogues of 20,000 products with Zipf popularity, each on one of its latest three versions. Phases: **enrol**; **full snapshot, new device** (the first snapshot of every device); **churned full snapshot** (the next day of up to 10,000 devices: on average 46 packages upgraded, 5.7 removed, 1.2 installed; some lose a memory module, change address, user or OS build); **unchanged full snapshot** (2,000 of them again); **churned delta** (the day after, as the agent sends it: a delta against the last stored snapshot) and **unchanged delta** (that state again). Deltas are built before their phase, so it times the collector, not the generator. Latency is request sent to answer read (websocket: message sent to ack; acks are sent after the commit). Over the websocket every device sends on its own live channel; the channels are opened before their phase's requests, at most ${fmt(LIVE_CHUNK, 0)} at once (each is an open file in both processes, and an unprivileged process here may hold 20,000), and opening them is outside the phase's time and CPU. Collector CPU is the server process's user + system time per ingest from \`/proc\` (both processes' together for pg2); the benchmark process shares the 2 cores.`,
    '',
    `Engines (\`--engines\`): **sqlite**, a SQLite file in a temporary directory; **pg**, one collector on a PostgreSQL ${'15'} throwaway cluster of the benchmark's own (Debian's server, on this machine, started by \`throwaway-cluster.ts\` with fsync, full-page writes and synchronous commit on as a real deployment has them, shared_buffers 128 MB, pg_stat_statements loaded); **pg2**, two collector processes on that one database, the fleet's agents spread across them round-robin (device i enrols with and sends to instance i mod 2). PostgreSQL CPU is the user + system time of the server's processes from \`/proc\` (the postmaster, its live children, and the children that ended, which the kernel adds to the postmaster's), per ingest: with the collector's it gives what one database can feed.`,
    '',
    table(
      [
        'phase',
        'devices',
        'transport',
        'engine',
        'sent',
        'ingests/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'collector CPU ms/ingest',
        'PostgreSQL CPU ms/ingest',
        'mean body KiB',
      ],
      rows,
    ),
    '',
    ...sorted.map(
      (r) => `- ${fmt(r.devices, 0)} devices over ${r.transport} on ${engineOf(r)}: ${r.machine}; ${r.sources}`,
    ),
    '',
    ...engineColumns(sorted),
    '| devices | transport | engine | database KiB per device after first snapshots | at the end | database GiB at the end | collector peak RSS MiB | snapshots stored of sent | wall time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...storage,
    '',
    ...(largest
      ? [
          ...sorted
            .filter((r) => r.devices === largest.devices)
            .flatMap((r) => [
              `New-device ingests/s by tenth of the phase at ${fmt(r.devices, 0)} devices (${r.transport}, ${engineOf(r)}): ${
                r.phases
                  .find((p) => p.name === 'full snapshot, new device')
                  ?.deciles.map((d) => d.toFixed(0))
                  .join(', ') ?? '?'
              }.`,
              '',
            ]),
          `Where the bytes are at ${fmt(largest.devices, 0)} devices (${largest.transport}, ${engineOf(largest)}), per device:`,
          '',
          table(
            ['table or index', 'MiB', 'KiB per device'],
            largest.tables.map((t) => [t.name, fmt(t.bytes / 1024 ** 2), fmt(t.bytes / largest.devices / 1024, 2)]),
          ),
          '',
        ]
      : []),
    ...profileNotes(sorted),
    `Target: at least ${TARGET_FULL} full snapshots per second of new devices, none lost: ${verdict('full snapshot, new device', TARGET_FULL)}. None lost: every request was answered 2xx (the benchmark stops at the first that is not) and the collector holds every snapshot sent.`,
    '',
    `Target: at least ${fmt(TARGET_UNCHANGED_DELTAS, 0)} unchanged deltas per second: ${verdict('unchanged delta', TARGET_UNCHANGED_DELTAS)}.`,
    '',
    'Reproduce: `pnpm bench --only ingest --size 1000` (then 10000, 100000; `--transport ws` for the websocket; `--engines sqlite,pg,pg2` by default, any of them); each run replaces its own size, transport and engine and keeps the others.',
    '',
    runsComment(RUNS_MARK, sorted),
  ].join('\n');
}

/** Runs every engine asked for at one size, one after the other, and writes them beside the kept runs. */
export async function ingestBench(opts: IngestOptions & { engines: readonly Engine[] }): Promise<string> {
  const runs: IngestRun[] = [];
  const failed: string[] = [];
  for (const engine of opts.engines) {
    const profiled = opts.profiled ?? Math.min(PROFILED, Math.max(100, Math.floor(opts.devices / 10)));
    try {
      const run = await runIngest({ ...opts, engine, profiled });
      if (run.stored !== run.sent) throw new Error(`the collector holds ${run.stored} snapshots of ${run.sent} sent`);
      runs.push(run);
    } catch (err) {
      // The other engines' figures still count; the failure is written where its column would be.
      const message = (err as Error).message.split('\n')[0] ?? '';
      log(`ingest on ${engine} failed: ${message}`);
      failed.push(`- **${ENGINE_LABEL[engine]}, ${fmt(opts.devices, 0)} devices: the run failed**: ${message}`);
    }
  }
  if (runs.length === 0) throw new Error(`ingest failed on every engine:\n${failed.join('\n')}`);
  const kept = keptRuns<IngestRun>('ingest', RUNS_MARK, (r) => !runs.some((run) => sameRun(r, run)));
  const markdown = renderIngest([...kept, ...runs]);
  return failed.length ? markdown.replace('\n| phase |', `\n${failed.join('\n')}\n\n| phase |`) : markdown;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '32' },
      transport: { type: 'string', default: 'http' },
      churned: { type: 'string' },
      unchanged: { type: 'string', default: '2000' },
      keep: { type: 'boolean', default: false },
      'live-chunk': { type: 'string' },
      engine: { type: 'string', default: 'sqlite' },
      profiled: { type: 'string', default: '0' },
      'fleet-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: tsx scripts/bench/ingest.ts --devices N [--concurrency C] [--transport http|ws] [--churned N] [--unchanged N] [--live-chunk N] [--engine sqlite|pg|pg2] [--profiled N] [--keep] [--fleet-only]\n',
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
  const devices = whole('devices', values.devices, 10_000);
  if (values['fleet-only']) {
    process.stdout.write(`${JSON.stringify(fleetStats(Math.min(devices, 5000)), null, 2)}\n`);
    process.exit(0);
  }
  if (values.transport !== 'http' && values.transport !== 'ws') {
    process.stderr.write(`--transport must be http or ws, got "${values.transport}"\n`);
    process.exit(64);
  }
  let engine: Engine;
  try {
    [engine] = parseEngines(values.engine) as [Engine];
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(64);
  }
  const run = await runIngest({
    devices,
    engine,
    profiled: whole('profiled', values.profiled, 0),
    concurrency: whole('concurrency', values.concurrency, 32),
    transport: values.transport,
    ...(values.churned !== undefined ? { churned: whole('churned', values.churned, 0) } : {}),
    unchanged: whole('unchanged', values.unchanged, 2000),
    keep: values.keep,
    ...(values['live-chunk'] !== undefined ? { liveChunk: whole('live-chunk', values['live-chunk'], 0) } : {}),
  });
  process.stdout.write(`${renderIngest([run])}\n`);
}
