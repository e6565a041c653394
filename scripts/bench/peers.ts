/**
 * Ingest of other tools' agents' reports against native snapshots of the same machine. The real
 * OCS inventory of this machine (the capture of Debian's ocsinventory-agent,
 * collector/src/domain/peers/fixtures) is sent as `devices` synthetic devices, each under its own
 * DEVICEID and host name, to `POST /ocsinventory/<secret>`, as the agent sends it: a PROLOG, then
 * the INVENTORY (whose first report also creates the agent's record). Then the Stocktake agent's
 * snapshot of the same machine (`stocktake-agent inventory`) as as many devices, as that agent
 * reports the first time: its enrolment, then the snapshot at `POST /api/v1/agent/snapshots`.
 * Each side runs on its own new collector and empty store, after the same untimed warm-up, so
 * neither inherits the other's compiled code, catalogue or store size. Bodies are made before the
 * clock starts (OCS's zlib-compressed as the agent sends it). The two sides take turns, `rounds`
 * times (a side's CPU per device moved by a quarter between single runs on this machine), and the
 * ratio is of the medians. Prints devices per second and the collector's CPU per device for each
 * turn, the medians, the ratio, and the load average while each side ran.
 *
 *   pnpm bench --only peers [--size 1000] [--runs 3]        (writes docs/benchmarks.md)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Snapshot } from '@stocktake/shared';
import { startCollector } from '../../test/support/processes.ts';
import { cpuSeconds, sourceLine } from './deltas.ts';
import { machineLine, ROOT, table } from './lib/report.ts';

const SECRET = 'bench-peers-enroll-secret';
const CONCURRENCY = 8;
/** Devices each side reports before its clock starts, on its own collector: compiled code and a store in use. */
const WARM_UP = 50;
const FIXTURES = join(ROOT, 'collector', 'src', 'domain', 'peers', 'fixtures');
const AGENT_BIN = join(ROOT, 'agent', 'bin', 'stocktake-agent.mjs');
const OCS_HEADERS = { 'content-type': 'application/x-compress', 'user-agent': 'OCS-NG_unified_unix_agent_v2.10.0' };

export interface PeersBenchOptions {
  devices: number;
  /** Turns each side takes, alternating (default 3). */
  rounds?: number;
}

interface Phase {
  name: string;
  devices: number;
  seconds: number;
  cpuSeconds: number;
  /** The bytes of the report's inventory or snapshot body, as sent. */
  meanBytes: number;
  /** The 1-minute load average when the clock started and when it stopped. */
  load: [number, number];
}

/** One device's first report, as its agent makes it: every request it sends. */
interface Report {
  bytes: number;
  send(): Promise<void>;
}

/** Makes the reports of devices `from` to `from + count - 1`, for a collector at `url`. */
type Reports = (url: string, from: number, count: number) => Report[];

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const load = () => loadavg()[0] ?? Number.NaN;

async function sendAll(reports: readonly Report[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const report = reports[next++];
      if (!report) return;
      await report.send();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/**
 * One side of the comparison on a collector of its own (an empty store): the warm-up, then
 * `devices` more reports under the clock, and the collector's CPU (all its threads) over them.
 */
async function phase(name: string, devices: number, reports: Reports): Promise<Phase> {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-bench-peers-'));
  const server = await startCollector({
    dbPath: join(dir, 'stocktake.db'),
    enrollSecret: SECRET,
    ...(process.env.STOCKTAKE_BENCH_CPU_PROF
      ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', process.env.STOCKTAKE_BENCH_CPU_PROF] }
      : {}),
    extraArgs: [
      '--peer-agents',
      'secret',
      '--log-level',
      'warn',
      '--agent-rate-limit',
      '0',
      '--agent-byte-limit',
      '0',
      '--enroll-rate-limit',
      '0',
    ],
  });
  try {
    await sendAll(reports(server.url, 0, WARM_UP));
    const timed = reports(server.url, WARM_UP, devices);
    const loadBefore = load();
    const cpuBefore = cpuSeconds(server.process.pid);
    const started = performance.now();
    await sendAll(timed);
    const seconds = (performance.now() - started) / 1000;
    const result: Phase = {
      name,
      devices,
      seconds,
      cpuSeconds: cpuSeconds(server.process.pid) - cpuBefore,
      meanBytes: timed.reduce((sum, r) => sum + r.bytes, 0) / devices,
      load: [loadBefore, load()],
    };
    log(
      `${name}: ${devices} devices in ${seconds.toFixed(1)} s, ${((result.cpuSeconds * 1000) / devices).toFixed(1)} ms CPU each, load ${result.load.map((l) => l.toFixed(1)).join(' to ')}`,
    );
    return result;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(url: string, init: RequestInit): Promise<string> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/**
 * The OCS captures as the agent of machine `i` would send it, under its own DEVICEID and host
 * name: its PROLOG, then its INVENTORY.
 */
function ocsReports(): Reports {
  const inflated = (name: string) => inflateSync(readFileSync(join(FIXTURES, name))).toString('utf8');
  const xml = inflated('ocs-2.10.0-inventory.zlib');
  const prologXml = inflated('ocs-2.10.0-prolog.zlib');
  const withDeviceId = (doc: string, deviceId: string) =>
    doc.replace(/<DEVICEID>[^<]*<\/DEVICEID>/, `<DEVICEID>${deviceId}</DEVICEID>`);
  return (url, from, count) =>
    Array.from({ length: count }, (_, n) => {
      const i = from + n;
      const deviceId = `bench-${i}-2026-12-07-08-21-55`;
      const inventory = deflateSync(
        withDeviceId(xml, deviceId).replace(/(<HARDWARE>[\s\S]*?<NAME>)[^<]*(<\/NAME>)/, `$1bench-${i}$2`),
      );
      const prolog = deflateSync(withDeviceId(prologXml, deviceId));
      const target = `${url}/ocsinventory/${SECRET}`;
      return {
        bytes: inventory.length,
        send: async () => {
          await post(target, { method: 'POST', headers: OCS_HEADERS, body: prolog });
          await post(target, { method: 'POST', headers: OCS_HEADERS, body: inventory });
        },
      };
    });
}

/**
 * The Stocktake agent's snapshot of this machine, as the agent of device `i` would send it the
 * first time: enrolment, then the snapshot under the id it was given.
 */
function nativeReports(): Reports {
  const state = mkdtempSync(join(tmpdir(), 'stocktake-bench-peers-agent-'));
  const snapshot = JSON.parse(
    execFileSync(process.execPath, [AGENT_BIN, 'inventory', '--state-dir', state], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as Snapshot;
  rmSync(state, { recursive: true, force: true });
  const AGENT_ID = '00000000-0000-4000-8000-00000000a9e7';
  return (url, from, count) =>
    Array.from({ length: count }, (_, n) => {
      const hostname = `native-${from + n}`;
      // The body is made now; only the id enrolment gives is put in when it is sent.
      const body = JSON.stringify({
        ...snapshot,
        snapshotId: crypto.randomUUID(),
        agent: { ...snapshot.agent, id: AGENT_ID },
        identity: { ...snapshot.identity, hostname },
      });
      const enrolment = JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' });
      return {
        bytes: Buffer.byteLength(body),
        send: async () => {
          const { agentId, agentToken } = JSON.parse(
            await post(`${url}/api/v1/agent/enroll`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: enrolment,
            }),
          ) as { agentId: string; agentToken: string };
          await post(`${url}/api/v1/agent/snapshots`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
            body: body.replace(AGENT_ID, agentId),
          });
        },
      };
    });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export async function peersBench(options: PeersBenchOptions): Promise<string> {
  const rounds = options.rounds ?? 3;
  const ocs: Phase[] = [];
  const native: Phase[] = [];
  for (let round = 1; round <= rounds; round++) {
    ocs.push(await phase(`OCS inventory, turn ${round}`, options.devices, ocsReports()));
    native.push(await phase(`Stocktake snapshot, turn ${round}`, options.devices, nativeReports()));
  }
  const perDevice = (p: Phase) => (p.cpuSeconds * 1000) / p.devices;
  const loadRange = (p: Phase) => `${p.load[0].toFixed(1)} to ${p.load[1].toFixed(1)}`;
  const rows = [...ocs, ...native].map((p) => [
    p.name,
    p.devices,
    Math.round(p.meanBytes / 1024),
    (p.devices / p.seconds).toFixed(1),
    perDevice(p).toFixed(1),
    loadRange(p),
  ]);
  const ocsMedian = median(ocs.map(perDevice));
  const nativeMedian = median(native.map(perDevice));
  const ratio = ocsMedian / nativeMedian;
  return [
    "## Other tools' agents: OCS inventories against native snapshots",
    '',
    `${machineLine()}. ${sourceLine()}`,
    '',
    `The real OCS inventory of one machine (Debian's ocsinventory-agent 2.10.0, 804 packages) sent as ${options.devices} new devices to \`POST /ocsinventory/<secret>\` as the agent sends it: a PROLOG, then the INVENTORY (zlib: decompressed, its XML read with saxes where it arrives (the body thread takes requests over 1 MiB), converted into a snapshot and stored by the native ingest; the first report of a device also creates its agent). Then the Stocktake agent's snapshot of the same machine as ${options.devices} new devices, as that agent reports the first time: its enrolment, then the snapshot to \`POST /api/v1/agent/snapshots\`. Each side on its own new collector and empty store, after ${WARM_UP} untimed devices of its own; ${CONCURRENCY} devices at once; first reports, so every package and part is written. The two sides take ${rounds} turns each, alternating, and are compared by their medians. Collector CPU is the process's, all threads, over the timed devices; the load average (1 minute, 2 cores) is read when each side's clock starts and stops.`,
    '',
    table(['report', 'devices', 'mean body KiB', 'devices/s', 'collector CPU ms/device', 'load average'], rows),
    '',
    `Median collector CPU per device: OCS ${ocsMedian.toFixed(1)} ms, native ${nativeMedian.toFixed(1)} ms. Collector CPU per OCS device: ${ratio.toFixed(2)}× a native snapshot's (target: within 2×).`,
  ].join('\n');
}
