/**
 * Ingest of other tools' agents' reports against native snapshots of the same machine: a real
 * collector on 127.0.0.1 takes the real OCS inventory of this machine (the capture of Debian's
 * ocsinventory-agent, collector/src/domain/peers/fixtures) as `devices` synthetic devices, each
 * under its own DEVICEID and host name, at `POST /ocsinventory/<secret>`; then the Stocktake
 * agent's snapshot of the same machine (`stocktake-agent inventory`) as as many devices at
 * `POST /api/v1/agent/snapshots`. Bodies are made before the clock starts (OCS's zlib-compressed
 * as the agent sends it); enrolment of the native agents is not timed. Prints devices per second
 * and the collector's CPU per device for each, and the ratio.
 *
 *   pnpm bench --only peers [--size 1000]        (writes docs/benchmarks.md)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Snapshot } from '@stocktake/shared';
import { type RunningCollector, startCollector } from '../../test/support/processes.ts';
import { cpuSeconds, sourceLine } from './deltas.ts';
import { machineLine, ROOT, table } from './lib/report.ts';

const SECRET = 'bench-peers-enroll-secret';
const CONCURRENCY = 8;
const FIXTURE = join(ROOT, 'collector', 'src', 'domain', 'peers', 'fixtures', 'ocs-2.10.0-inventory.zlib');
const AGENT_BIN = join(ROOT, 'agent', 'bin', 'stocktake-agent.mjs');

export interface PeersBenchOptions {
  devices: number;
}

interface Phase {
  name: string;
  devices: number;
  seconds: number;
  cpuSeconds: number;
  meanBytes: number;
}

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function timed(
  name: string,
  server: RunningCollector,
  bodies: readonly { bytes: number; send: () => Promise<void> }[],
): Promise<Phase> {
  let next = 0;
  const cpuBefore = cpuSeconds(server.process.pid);
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      const body = bodies[i];
      if (!body) return;
      await body.send();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const phase = {
    name,
    devices: bodies.length,
    seconds,
    cpuSeconds: cpuSeconds(server.process.pid) - cpuBefore,
    meanBytes: bodies.reduce((sum, b) => sum + b.bytes, 0) / bodies.length,
  };
  log(`${name}: ${bodies.length} devices in ${seconds.toFixed(1)} s`);
  return phase;
}

async function post(url: string, init: RequestInit): Promise<void> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
}

/** The OCS capture as the agent of machine `i` would send it: its own DEVICEID and host name. */
function ocsBodies(server: RunningCollector, devices: number) {
  const xml = inflateSync(readFileSync(FIXTURE)).toString('utf8');
  return Array.from({ length: devices }, (_, i) => {
    const mine = xml
      .replace(/<DEVICEID>[^<]*<\/DEVICEID>/, `<DEVICEID>bench-${i}-2026-12-07-08-21-55</DEVICEID>`)
      .replace(/(<HARDWARE>[\s\S]*?<NAME>)[^<]*(<\/NAME>)/, `$1bench-${i}$2`);
    const body = deflateSync(mine);
    return {
      bytes: body.length,
      send: () =>
        post(`${server.url}/ocsinventory/${SECRET}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-compress', 'user-agent': 'OCS-NG_unified_unix_agent_v2.10.0' },
          body,
        }),
    };
  });
}

/** The Stocktake agent's snapshot of this machine, as agent `i` of its own device would send it. */
async function nativeBodies(server: RunningCollector, devices: number) {
  const state = mkdtempSync(join(tmpdir(), 'stocktake-bench-peers-agent-'));
  const snapshot = JSON.parse(
    execFileSync(process.execPath, [AGENT_BIN, 'inventory', '--state-dir', state], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as Snapshot;
  rmSync(state, { recursive: true, force: true });
  const agents: { agentId: string; agentToken: string }[] = [];
  for (let i = 0; i < devices; i++) {
    const res = await fetch(`${server.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname: `native-${i}`, agentVersion: '0.1.0', platform: 'linux' }),
    });
    if (res.status !== 201) throw new Error(`enrol: HTTP ${res.status} ${await res.text()}`);
    agents.push((await res.json()) as { agentId: string; agentToken: string });
  }
  return agents.map(({ agentId, agentToken }, i) => {
    const body = JSON.stringify({
      ...snapshot,
      snapshotId: crypto.randomUUID(),
      agent: { ...snapshot.agent, id: agentId },
      identity: { ...snapshot.identity, hostname: `native-${i}` },
    });
    return {
      bytes: Buffer.byteLength(body),
      send: () =>
        post(`${server.url}/api/v1/agent/snapshots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
          body,
        }),
    };
  });
}

export async function peersBench(options: PeersBenchOptions): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-bench-peers-'));
  const server = await startCollector({
    dbPath: join(dir, 'stocktake.db'),
    enrollSecret: SECRET,
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
    const ocs = await timed('OCS inventory', server, ocsBodies(server, options.devices));
    const native = await timed('Stocktake snapshot', server, await nativeBodies(server, options.devices));
    const perDevice = (p: Phase) => (p.cpuSeconds * 1000) / p.devices;
    const rows = [ocs, native].map((p) => [
      p.name,
      p.devices,
      Math.round(p.meanBytes / 1024),
      (p.devices / p.seconds).toFixed(1),
      perDevice(p).toFixed(1),
    ]);
    const ratio = perDevice(ocs) / perDevice(native);
    return [
      "## Other tools' agents: OCS inventories against native snapshots",
      '',
      `${machineLine()}. ${sourceLine()}`,
      '',
      `The real OCS inventory of one machine (Debian's ocsinventory-agent 2.10.0, 804 packages), sent as ${options.devices} devices to \`POST /ocsinventory/<secret>\` (zlib, as the agent sends it: decompressed, parsed, converted into a snapshot and stored by the native ingest), then the Stocktake agent's snapshot of the same machine as ${options.devices} more devices to \`POST /api/v1/agent/snapshots\`; ${CONCURRENCY} requests at once, a new device each (first snapshots: every package and part is written).`,
      '',
      table(['report', 'devices', 'mean body KiB', 'devices/s', 'collector CPU ms/device'], rows),
      '',
      `Collector CPU per OCS device: ${ratio.toFixed(2)}× a native snapshot's (target: within 2×).`,
    ].join('\n');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
