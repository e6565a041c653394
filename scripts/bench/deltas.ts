/**
 * Unchanged-delta benchmark: a real collector process loaded with N devices of the
 * synthetic fleet (enrolled and one full snapshot each, over HTTP), then N agents each sending
 * deltas where nothing changed (built with shared's diffSnapshot as the agent builds them) from
 * this process with bounded concurrency, over each transport in turn: `POST /api/v1/agent/deltas`
 * (http), and `delta` messages on one live channel websocket per agent, timed from send to ack
 * (ws). When the throughput target is missed, a second, shorter run on the same database takes a
 * CPU profile of the collector and the report lists where its time goes.
 *
 *   node_modules/.bin/tsx scripts/bench/index.ts --only deltas [--size 1000]     (both transports; writes docs/benchmarks.md)
 *   node_modules/.bin/tsx scripts/bench/deltas.ts [--transport http|ws|both] [--size N] [--requests N] [--concurrency N]
 *                                                                                 (prints the section only)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { diffSnapshot, type SnapshotDelta } from '@stocktake/shared';
import { COLLECTOR_BIN, type RunningCollector, tempDir } from '../../test/support/processes.ts';
import { Fleet } from './fleet/fleet.ts';
import { type Engine, type EngineRun, startEngine } from './lib/engines.ts';
import { type LiveAgent, openLiveAgents } from './lib/live-agents.ts';
import { machineLine, ROOT, table } from './lib/report.ts';

const SECRET = 'bench-enroll-secret';
const TARGET_PER_SECOND = 5000;
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** How the agents send: `POST /api/v1/agent/deltas`, or `delta` messages on their live channel. */
export type Transport = 'http' | 'ws';
export const TRANSPORTS: readonly Transport[] = ['http', 'ws'];

export interface DeltasBenchOptions {
  devices: number;
  /** Deltas sent in the measured phase of each transport. */
  requests: number;
  /** Deltas in flight at once (requests, or messages awaiting their ack). */
  concurrency: number;
  /** Measured one after the other on the same collector, in this order (default both). */
  transports?: readonly Transport[];
  /** The stores measured one after the other, each on a fresh database (default SQLite alone). */
  engines?: readonly Engine[];
}

/** The commit measured, and whether the collector's sources had uncommitted changes then. */
export function sourceLine(): string {
  const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', cwd: ROOT }).trim();
  try {
    const dirty = git(['status', '--porcelain', '--', 'collector', 'shared']) !== '';
    return `Sources: commit ${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ', with uncommitted changes in collector/ or shared/ from work in progress at the time' : ''}.`;
  } catch {
    return 'Sources: not a git checkout.';
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set of a live process (VmHWM), in MiB. */
export function peakRssMiB(pid: number | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/status`)) return Number.NaN;
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** The value below which `p` percent of the samples fall (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs `count` jobs with at most `concurrency` in flight; each job's latency in ms, sorted. */
export async function runBounded(
  count: number,
  concurrency: number,
  job: (i: number, worker: number) => Promise<void>,
): Promise<{ seconds: number; latencies: Float64Array }> {
  const latencies = new Float64Array(count);
  let next = 0;
  const started = performance.now();
  const worker = async (w: number) => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t0 = performance.now();
      await job(i, w);
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)));
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort() };
}

async function post(url: string, body: string, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

interface Agent {
  id: string;
  token: string;
  /** The snapshot the collector last stored for this agent: the next delta's base. */
  base: string;
  /** The unchanged delta, built once; each send gets a new snapshot id and base. */
  template: SnapshotDelta;
}

/** Enrols N agents and stores one full snapshot of each, 4 requests in flight, as ingest.ts does; agent i with collector urlOf(i). */
async function loadFleet(urlOf: (i: number) => string, fleet: Fleet, devices: number): Promise<Agent[]> {
  const agents: Agent[] = new Array(devices);
  const first = new Date(Date.UTC(2026, 10, 1));
  const later = new Date(Date.UTC(2026, 10, 2));
  const loaded = await runBounded(devices, 4, async (i) => {
    const state = fleet.initial(i);
    const platform = state.platform === 'windows' ? 'win32' : state.platform === 'macos' ? 'darwin' : 'linux';
    const enrol = await post(
      `${urlOf(i)}/api/v1/agent/enroll`,
      JSON.stringify({ enrollSecret: SECRET, hostname: state.hostname, agentVersion: '0.1.0', platform }),
    );
    if (enrol.status >= 300) throw new Error(`enrol #${i}: HTTP ${enrol.status} ${enrol.text.slice(0, 300)}`);
    const { agentId, agentToken } = JSON.parse(enrol.text) as { agentId: string; agentToken: string };
    const base = fleet.snapshot(state, { agentId, at: first });
    const stored = await post(`${urlOf(i)}/api/v1/agent/snapshots`, JSON.stringify(base), agentToken);
    if (stored.status >= 300) throw new Error(`snapshot #${i}: HTTP ${stored.status} ${stored.text.slice(0, 300)}`);
    // The same machine a day later: every section hashes the same, so every section is `unchanged`.
    const template = diffSnapshot(base, fleet.snapshot(state, { agentId, at: later }));
    agents[i] = { id: agentId, token: agentToken, base: base.snapshotId, template };
  });
  log(`loaded ${devices} devices in ${loaded.seconds.toFixed(1)} s (${(devices / loaded.seconds).toFixed(0)}/s)`);
  return agents;
}

interface DeltaPhase {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  cpuS: number;
  /** PostgreSQL's processes' CPU over the phase; NaN on SQLite. */
  databaseCpuS: number;
  meanBodyBytes: number;
}

/** Where deltas go (agent i's collector) and the CPU they cost. */
interface DeltaTarget {
  urlOf(i: number): string;
  collectorCpu(): number;
  databaseCpu(): number;
}

const targetOf = (run: EngineRun): DeltaTarget => ({
  urlOf: (i) => run.collectorOf(i).url,
  collectorCpu: run.collectorCpuSeconds,
  databaseCpu: run.databaseCpuSeconds,
});

/**
 * Sends `count` unchanged deltas. Worker w owns the agents with index ≡ w (mod concurrency), so
 * one agent never has two deltas in flight and each delta's base is the one before it, as on a
 * real agent. Over ws, `live[k]` is agent k's open live channel, and a delta's latency runs from
 * its send to its ack.
 */
async function sendDeltas(
  target: DeltaTarget,
  agents: Agent[],
  count: number,
  concurrency: number,
  live?: LiveAgent[],
): Promise<DeltaPhase> {
  const cursor = new Array<number>(concurrency).fill(0);
  let bodyBytes = 0;
  const cpuBefore = target.collectorCpu();
  const dbBefore = target.databaseCpu();
  const run = await runBounded(count, concurrency, async (_i, w) => {
    const owned = Math.ceil((agents.length - w) / concurrency);
    const k = cursor[w] ?? 0;
    cursor[w] = k + 1;
    const index = w + (k % owned) * concurrency;
    const agent = agents[index];
    if (!agent) throw new Error(`no agent for worker ${w}`);
    const snapshotId = randomUUID();
    const body = JSON.stringify({
      ...agent.template,
      snapshotId,
      baseSnapshotId: agent.base,
      collectedAt: new Date().toISOString(),
    });
    if (live) {
      const channel = live[index];
      if (!channel) throw new Error(`no live channel for agent ${index}`);
      const sent = channel.delta(body);
      bodyBytes += sent.bytes;
      const ack = await sent.ack;
      if (ack.duplicate) throw new Error(`delta ${snapshotId}: acknowledged as a duplicate`);
    } else {
      bodyBytes += Buffer.byteLength(body);
      const res = await post(`${target.urlOf(index)}/api/v1/agent/deltas`, body, agent.token);
      if (res.status !== 201) throw new Error(`delta: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    }
    agent.base = snapshotId;
  });
  const cpuS = target.collectorCpu() - cpuBefore;
  const databaseCpuS = target.databaseCpu() - dbBefore;
  return {
    databaseCpuS,
    count,
    seconds: run.seconds,
    perSecond: count / run.seconds,
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
    max: run.latencies[run.latencies.length - 1] ?? Number.NaN,
    cpuS,
    meanBodyBytes: bodyBytes / count,
  };
}

/**
 * The collector under V8's CPU profiler (`--cpu-prof` is refused in NODE_OPTIONS, so this spawns
 * node itself); the profile is written when it exits on SIGTERM.
 */
function startProfiledCollector(dbPath: string, profDir: string): Promise<RunningCollector> {
  const child = spawn(
    process.execPath,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      profDir,
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
    ],
    { env: { ...process.env, NO_PRETTY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve({ url, process: child, stop, logs: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`profiled collector exited with ${code}:\n${output}`)));
  });
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time per function of a V8 .cpuprofile, largest first, with its share of all samples. */
export function topFunctions(path: string, limit = 15): { name: string; where: string; share: number }[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, { name: string; where: string; n: number }>();
  for (const id of profile.samples) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const name = frame.functionName || '(anonymous)';
    const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\/(\.pnpm\/)?/, '');
    const where = file ? `${file.replace(/^.*\/work\/main\//, '')}:${frame.lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = counts.get(key) ?? { name, where, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  const total = profile.samples.length || 1;
  return [...counts.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, limit)
    .map((e) => ({ name: e.name, where: e.where, share: e.n / total }));
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Opens one live channel per agent for a ws phase (not timed), or none for http. */
/** Agent i's channel is opened on its own collector (run.collectorOf(i)). */
async function channelsFor(transport: Transport, run: EngineRun, agents: Agent[]) {
  if (transport === 'http') return undefined;
  const started = performance.now();
  const live: LiveAgent[] = new Array(agents.length);
  for (const [n, collector] of run.collectors.entries()) {
    const mine = agents.map((_, i) => i).filter((i) => i % run.collectors.length === n);
    const opened = await openLiveAgents(
      collector.url,
      mine.map((i) => (agents[i] as Agent).token),
    );
    mine.forEach((i, k) => {
      live[i] = opened[k] as LiveAgent;
    });
  }
  log(`opened ${live.length} live channels in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return live;
}

interface TransportRun {
  engine: Engine;
  transport: Transport;
  phase: DeltaPhase;
  /** The collector's VmHWM after this transport's phase: the peak of the run so far. */
  rss: number;
}

export async function deltasBench(opts: DeltasBenchOptions): Promise<string> {
  const transports = opts.transports ?? TRANSPORTS;
  const engines = opts.engines ?? ['sqlite'];
  const warmUp = Math.min(2000, opts.requests);
  const fleet = new Fleet();
  const runs: TransportRun[] = [];
  let profileNotes: string[] = [];
  for (const engine of engines) {
    const dir = tempDir('stocktake-bench-deltas-');
    const run = await startEngine(engine, dir.path, {
      enrollSecret: SECRET,
      args: ['--log-level', 'warn', '--enroll-rate-limit', '0'],
    });
    try {
      log(`deltas on ${engine}: ${opts.devices} devices, collectors ${run.collectors.map((c) => c.url).join(', ')}`);
      const target = targetOf(run);
      const agents = await loadFleet(target.urlOf, fleet, opts.devices);
      for (const transport of transports) {
        const live = await channelsFor(transport, run, agents);
        try {
          // A short warm-up so the measured phase sees compiled code, as a long-running collector does.
          await sendDeltas(target, agents, warmUp, opts.concurrency, live);
          const phase = await sendDeltas(target, agents, opts.requests, opts.concurrency, live);
          const rss = Math.max(...run.collectors.map((c) => peakRssMiB(c.process.pid)));
          runs.push({ engine, transport, phase, rss });
          log(
            `deltas on ${engine} over ${transport}: ${fmt(phase.perSecond)}/s, p50 ${phase.p50.toFixed(1)} ms, p99 ${phase.p99.toFixed(1)} ms, collector CPU ${((phase.cpuS * 1000) / phase.count).toFixed(2)} ms per delta`,
          );
        } finally {
          for (const channel of live ?? []) channel?.close();
        }
      }
      await Promise.all(run.collectors.map((c) => c.stop()));
      // The profile is of SQLite's collector, the default store, as before engines were compared.
      const missed = runs.find((r) => r.engine === engine && r.phase.perSecond < TARGET_PER_SECOND);
      if (engine === 'sqlite' && missed) {
        const profDir = join(dir.path, 'profile');
        const server = await startProfiledCollector(run.db, profDir);
        try {
          const profiled = Math.min(opts.requests, 5000);
          const single: EngineRun = { ...run, collectors: [server], collectorOf: () => server };
          const live = await channelsFor(missed.transport, single, agents);
          const p = await sendDeltas(
            {
              urlOf: () => server.url,
              collectorCpu: () => cpuSeconds(server.process.pid),
              databaseCpu: () => Number.NaN,
            },
            agents,
            profiled,
            opts.concurrency,
            live,
          );
          for (const channel of live ?? []) channel?.close();
          await server.stop();
          const file = existsSync(profDir) ? readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
          profileNotes = file
            ? [
                `Where the collector's CPU goes (SQLite; V8 CPU profile of a second collector on the same database, ${fmt(profiled)} deltas over ${missed.transport} at ${fmt(p.perSecond)}/s under the profiler, start-up included; self time per function):`,
                '',
                table(
                  ['function', 'where', 'self time'],
                  topFunctions(join(profDir, file)).map((f) => [
                    `\`${f.name}\``,
                    f.where ? `\`${f.where}\`` : '',
                    `${(f.share * 100).toFixed(1)}%`,
                  ]),
                ),
              ]
            : ['(the profiled collector wrote no .cpuprofile)'];
        } finally {
          await server.stop();
        }
      }
    } finally {
      await run.stop();
      dir.remove();
    }
  }
  {
    const verdicts = runs.map(({ engine, transport, phase }) => {
      const cpuMsPerDelta = (phase.cpuS * 1000) / phase.count;
      const met = phase.perSecond >= TARGET_PER_SECOND;
      return `${engine} over ${transport}: ${met ? 'met' : '**not met**'} (${fmt(phase.perSecond)}/s, ${(phase.perSecond / TARGET_PER_SECOND).toFixed(2)}× the target; the collector's CPU alone would allow at most ${fmt(1000 / cpuMsPerDelta)}/s per core)`;
    });
    const reproduce =
      transports.length === TRANSPORTS.length
        ? `\`node_modules/.bin/tsx scripts/bench/index.ts --only deltas --size ${opts.devices} --engines ${engines.join(',')}\``
        : `\`node_modules/.bin/tsx scripts/bench/deltas.ts --transport ${transports.join(',')} --size ${opts.devices} --requests ${opts.requests} --concurrency ${opts.concurrency}\``;
    return [
      '## Unchanged deltas',
      '',
      `Machine: ${machineLine()}.`,
      '',
      `A real collector (\`stocktake-collector serve\`, its own process) loaded over HTTP with ${fmt(opts.devices)} devices of the synthetic fleet (enrolled, one full snapshot each). Then ${fmt(opts.devices)} agents send unchanged deltas (every section \`unchanged\`, built with \`diffSnapshot\` as the agent builds them; each one's base is the agent's previous delta) from the benchmark process, ${opts.concurrency} in flight, after ${fmt(warmUp)} warm-up deltas, over each transport in turn on the same collector and database, in the order of the table: **http** is \`POST /api/v1/agent/deltas\`, one request per delta; **ws** is a \`delta\` message on the agent's live channel (\`/api/v1/agent/ws\`, one websocket per agent, opened before the phase and not timed), its latency from send to ack. The benchmark process shares the 2 cores with the collector. Collector CPU is user + system from \`/proc/<pid>/stat\` over the measured phase; peak RSS is its VmHWM after that phase (the run's peak so far). Engines, each on a fresh database: **sqlite**, a file in a temporary directory; **pg**, one collector on a PostgreSQL 15 throwaway cluster of the benchmark's own (as in the ingest section); **pg2**, two collectors on that one database, agent i on instance i mod 2, their CPU summed. PostgreSQL CPU is that of the server's processes from \`/proc\`.`,
      '',
      sourceLine(),
      '',
      table(
        [
          'engine',
          'transport',
          'devices',
          'deltas',
          'deltas/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'collector CPU ms/delta',
          'collector cores busy',
          'PostgreSQL CPU ms/delta',
          'collector peak RSS MiB',
          'bytes per delta (body or message)',
        ],
        runs.map(({ engine, transport, phase, rss }) => [
          engine,
          transport,
          fmt(opts.devices),
          fmt(phase.count),
          fmt(phase.perSecond),
          phase.p50.toFixed(1),
          phase.p99.toFixed(1),
          phase.max.toFixed(0),
          ((phase.cpuS * 1000) / phase.count).toFixed(2),
          (phase.cpuS / phase.seconds).toFixed(2),
          Number.isFinite(phase.databaseCpuS) ? ((phase.databaseCpuS * 1000) / phase.count).toFixed(2) : '–',
          fmt(rss),
          fmt(phase.meanBodyBytes),
        ]),
      ),
      '',
      `Target: at least ${fmt(TARGET_PER_SECOND)} unchanged deltas/s on this 2-core machine. ${verdicts.join('; ')}.`,
      '',
      ...profileNotes,
      ...(profileNotes.length ? [''] : []),
      `Reproduce: ${reproduce}.`,
    ].join('\n');
  }
}

/** Run directly: one transport or both, printed only (\`pnpm bench --only deltas\` writes docs/benchmarks.md). */
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      transport: { type: 'string', default: 'both' },
      size: { type: 'string', default: '1000' },
      requests: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '32' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: tsx scripts/bench/deltas.ts [--transport http|ws|both] [--size N] [--requests N] [--concurrency N]\n',
    );
    process.exit(0);
  }
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`--${name} must be a positive whole number, got "${raw}"\n`);
      process.exit(64);
    }
    return n;
  };
  const transports = values.transport === 'both' ? TRANSPORTS : (values.transport.split(',') as Transport[]);
  if (transports.length === 0 || transports.some((t) => !TRANSPORTS.includes(t))) {
    process.stderr.write(`--transport must be http, ws or both, got "${values.transport}"\n`);
    process.exit(64);
  }
  const markdown = await deltasBench({
    devices: positive('size', values.size),
    requests: positive('requests', values.requests),
    concurrency: positive('concurrency', values.concurrency),
    transports,
  });
  process.stdout.write(`${markdown}\n`);
}
