/**
 * The starvation benchmark's measuring side, run in a process of its own (startProbes forks
 * this file): a prober asking `/healthz` and well-behaved agents pushing normal snapshots, each
 * request timed from here. A load balancer's probe and a real agent are other processes than
 * whatever attacks the collector; timed from the process that also builds and sends the hostile
 * 10 MiB bodies, a request's latency would include that process's own event-loop stalls, not
 * only the collector's.
 *
 * Talks with the benchmark over the IPC channel: `start` (the collector and the normal agents)
 * starts the quiet phase, `load` marks the start of the load, `stop` ends it; the answer to
 * `stop` is every series.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';

export const PROBE_INTERVAL_MS = 50;
/**
 * Each normal agent pushes a snapshot this often, on a schedule of its own, the agents' schedules
 * spread over the period: with 20 agents, one snapshot every 200 ms in all, about 180 in the
 * load's 36 s. (One agent at a time, one a second, gave 35 samples: their p99 was the slowest
 * one, and a hold of a second delayed the next push instead of counting against it.)
 */
export const AGENT_PERIOD_MS = 4000;

export interface Series {
  name: string;
  latencies: number[];
  /** When each request was sent (Date.now(), the machine's clock, which both processes read). */
  sentAt: number[];
  failures: number;
}

export interface NormalAgent {
  agentId: string;
  agentToken: string;
}

/** What the measuring process sends back: its series, and how late its own timers ran (ms). */
export interface ProbeReport {
  quietProbes: Series;
  quietIngests: Series;
  probes: Series;
  ingests: Series;
  /** The measuring process's own event-loop delay under load: p99 and max, in ms. */
  ownDelay: { p99: number; max: number };
}

type ToProbes = { type: 'start'; url: string; normal: NormalAgent[] } | { type: 'load' } | { type: 'stop' };
type FromProbes = { type: 'started' } | { type: 'report'; report: ProbeReport };

const series = (name: string): Series => ({ name, latencies: [], sentAt: [], failures: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(s: Series, request: () => Promise<Response>, ok: (status: number) => boolean): Promise<void> {
  const started = performance.now();
  s.sentAt.push(Date.now());
  try {
    const res = await request();
    await res.arrayBuffer();
    s.latencies.push(performance.now() - started);
    if (!ok(res.status)) s.failures++;
  } catch {
    s.latencies.push(performance.now() - started);
    s.failures++;
  }
}

/** A normal agent's full snapshot: 300 packages, about 37 KiB. */
export function normalBody(agentId: string, i: number): string {
  return JSON.stringify(
    makeSnapshot({
      agentId,
      hostname: `normal-${i}`,
      software: Array.from({ length: 300 }, (_, k) => dpkgItem(`lib-${k}`, `1.${k}`)),
    }),
  );
}

export function pushSnapshot(url: string, agentToken: string, body: Buffer | string): Promise<Response> {
  return fetch(`${url}/api/v1/agent/snapshots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
    body,
  });
}

/** The prober and the normal agents, until `stop` is told; `loaded` says which series a request goes to. */
function measure(url: string, normal: NormalAgent[]) {
  const report: Omit<ProbeReport, 'ownDelay'> = {
    quietProbes: series('`GET /healthz`, quiet'),
    quietIngests: series('normal snapshot, quiet'),
    probes: series('`GET /healthz`, under load'),
    ingests: series('normal snapshot, under load'),
  };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let loaded = false;
  let stop = false;
  const probing = (async () => {
    while (!stop) {
      await timed(
        loaded ? report.probes : report.quietProbes,
        () => fetch(`${url}/healthz`),
        (s) => s === 200,
      );
      await sleep(PROBE_INTERVAL_MS);
    }
  })();
  const ingesting = Promise.all(
    normal.map(async (agent, i) => {
      const start = performance.now() + (AGENT_PERIOD_MS * i) / normal.length;
      for (let n = 0; !stop; n++) {
        await sleep(Math.max(0, start + n * AGENT_PERIOD_MS - performance.now()));
        if (stop) break;
        const body = normalBody(agent.agentId, i);
        await timed(
          loaded ? report.ingests : report.quietIngests,
          () => pushSnapshot(url, agent.agentToken, body),
          (s) => s === 200 || s === 201,
        );
      }
    }),
  );
  return {
    load(): void {
      loaded = true;
      delay.enable();
    },
    async stop(): Promise<ProbeReport> {
      stop = true;
      await Promise.all([probing, ingesting]);
      delay.disable();
      const ms = (ns: number) => ns / 1e6;
      return { ...report, ownDelay: { p99: ms(delay.percentile(99)), max: ms(delay.max) } };
    },
  };
}

/** The measuring process, seen from the benchmark. */
export interface Probes {
  /** The load starts: requests from now on go to the "under load" series. */
  load(): void;
  /** Stops the requests and the process; every series. */
  stop(): Promise<ProbeReport>;
  /** Ends the process without waiting (the benchmark failed). */
  kill(): void;
}

/** Forks this file (under the benchmark's own loader, tsx) and starts the quiet phase there. */
export async function startProbes(url: string, normal: NormalAgent[]): Promise<Probes> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromProbes['type']>(type: T) =>
    new Promise<Extract<FromProbes, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromProbes) => {
        if (m.type !== type) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(m as Extract<FromProbes, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the probe process exited (${code}) before ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const send = (m: ToProbes) => child.send(m);
  const started = next('started');
  send({ type: 'start', url, normal });
  await started;
  return {
    load: () => send({ type: 'load' }),
    async stop() {
      const report = next('report');
      send({ type: 'stop' });
      return (await report).report;
    },
    kill: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** In the forked process: answers the benchmark's messages. */
function serve(): void {
  let running: ReturnType<typeof measure> | undefined;
  const answer = (m: FromProbes) => process.send?.(m);
  process.on('message', (m: ToProbes) => {
    if (m.type === 'start') {
      running = measure(m.url, m.normal);
      answer({ type: 'started' });
    } else if (m.type === 'load') running?.load();
    else if (m.type === 'stop') {
      // Exits once the report is sent: idle keep-alive sockets would otherwise hold the process.
      void running?.stop().then((report) => process.send?.({ type: 'report', report }, () => process.exit(0)));
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) serve();
