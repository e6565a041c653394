import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentProcess,
  agentStatus,
  apiHeaders,
  HostFixture,
  openCollectorDb,
  TcpRelay,
  until,
  writeAgentConfig,
} from '../support/agent-service.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-outage-secret';

interface StoredSnapshot {
  id: string;
  collectedAt: string;
  receivedAt: string;
}

/**
 * Losing nothing and storing nothing twice, whatever stops when: the collector for several
 * scheduled runs, the agent (SIGKILL) in the middle of a send, the collector (SIGKILL) in the
 * middle of an ingest.
 */
describe('no snapshot lost, none stored twice', () => {
  const dir = tempDir('stocktake-e2e-outage-');
  const dbPath = join(dir.path, 'collector.db');
  let collector: RunningCollector;
  let port: string;
  const agents: AgentProcess[] = [];
  const relays: TcpRelay[] = [];

  const restartCollector = async () => {
    collector = await startCollector({ dbPath, enrollSecret: SECRET, extraArgs: ['--port', port] });
  };

  /** The snapshots the collector stored for a device, in the order it received them. */
  function stored(deviceId: string): StoredSnapshot[] {
    const db = openCollectorDb(dbPath);
    try {
      return db
        .prepare(
          `SELECT s.id, s.collected_at AS collectedAt, s.received_at AS receivedAt FROM snapshots s
           JOIN devices d ON d.key = s.device_key WHERE d.id = ? ORDER BY s.received_at, s.rowid`,
        )
        .all(deviceId) as StoredSnapshot[];
    } finally {
      db.close();
    }
  }

  function storedIds(): Set<string> {
    const db = openCollectorDb(dbPath);
    try {
      return new Set((db.prepare('SELECT id FROM snapshots').all() as { id: string }[]).map((r) => r.id));
    } finally {
      db.close();
    }
  }

  let headers: Record<string, string> = {};
  const software = async (deviceId: string) => {
    const d = (await (await fetch(`${collector.url}/api/v1/devices/${deviceId}`, { headers })).json()) as {
      software: { name: string; version: string }[];
    };
    return d.software.map((s) => `${s.name} ${s.version}`).sort();
  };

  const spoolFiles = (stateDir: string) => readdirSync(join(stateDir, 'spool')).filter((n) => n.endsWith('.json.gz'));

  beforeAll(async () => {
    collector = await startCollector({ dbPath, enrollSecret: SECRET });
    port = new URL(collector.url).port;
    headers = await apiHeaders(dbPath);
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.close();
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => Promise.race([a.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    await Promise.all(agents.map((a) => a.kill()));
    await collector?.stop();
    dir.remove();
  });

  it('with the collector down across several scheduled runs, delivers each snapshot once and in order', async () => {
    const host = new HostFixture(join(dir.path, 'host-outage'), { packages: 300, serial: 'E2EO0001' });
    const configPath = writeAgentConfig(join(dir.path, 'agent-outage.json'), {
      server: collector.url,
      enrollSecret: SECRET,
      stateDir: join(dir.path, 'state-outage'),
      hostRoot: host.root,
      schedule: { inventory: '*/2 * * * * *', splaySeconds: 0, heartbeatSeconds: 1 },
      retry: { minSeconds: 0.2, maxSeconds: 1 },
    });
    const agent = new AgentProcess(configPath);
    agents.push(agent);
    const [first] = await agent.waitFor('snapshot delivered');
    const deviceId = first?.deviceId as string;

    await collector.stop();
    const queuedAtStop = agent.with('snapshot queued').length;
    // The machine keeps changing while nobody listens.
    for (let i = 1; i <= 4; i++) {
      await agent.waitFor('snapshot queued', queuedAtStop + i);
      host.install(`outage-${i}`, `${i}.0-1`);
    }
    await agent.waitFor('snapshot queued', queuedAtStop + 5);
    const waiting = await agentStatus(configPath);
    expect((waiting.report.spool as { depth: number }).depth).toBeGreaterThanOrEqual(4);
    expect(waiting.report.lastError).toBeDefined();

    await restartCollector();
    await until(async () => {
      const { report } = await agentStatus(configPath);
      return (report.spool as { depth: number }).depth === 0;
    });
    expect(await agent.stop()).toBe(0);

    const queued = agent.with('snapshot queued').map((l) => l.snapshotId);
    const rows = stored(deviceId);
    expect(rows.map((r) => r.id)).toEqual(queued);
    const collected = rows.map((r) => r.collectedAt);
    expect(collected).toEqual([...collected].sort());
    expect(await software(deviceId)).toEqual(host.expected());
    // Each package installed during the outage shows up once in the history, from its own snapshot.
    const changes = (await (
      await fetch(`${collector.url}/api/v1/devices/${deviceId}/changes?kind=software_installed&limit=50`, { headers })
    ).json()) as { items: { subject: string }[] };
    expect(changes.items.map((c) => c.subject).sort()).toEqual(['outage-1', 'outage-2', 'outage-3', 'outage-4']);
  });

  it('SIGKILL of the agent in the middle of an upload, then a restart: sent once, nothing lost', async () => {
    const host = new HostFixture(join(dir.path, 'host-kill-agent'), { packages: 20_000, serial: 'E2EK0001' });
    const relay = new TcpRelay({ host: '127.0.0.1', port: Number(port) });
    relays.push(relay);
    const url = await relay.listen();
    const stateDir = join(dir.path, 'state-kill-agent');
    const configPath = writeAgentConfig(join(dir.path, 'agent-kill-agent.json'), {
      server: url,
      enrollSecret: SECRET,
      stateDir,
      hostRoot: host.root,
      liveChannel: false,
      schedule: { inventory: '0 0 1 1 *', splaySeconds: 0 },
      retry: { minSeconds: 0.2, maxSeconds: 1 },
    });
    relay.uploadRate = 400_000;
    const before = storedIds();
    let agent = new AgentProcess(configPath);
    agents.push(agent);
    const [queued] = await agent.waitFor('snapshot queued');
    await until(
      () => relay.forwardedUp > 600_000,
      60_000,
      () => 'half the upload',
    );
    await agent.kill();
    expect(spoolFiles(stateDir)).toHaveLength(1);
    expect(storedIds()).toEqual(before);

    relay.uploadRate = 0;
    agent = new AgentProcess(configPath);
    agents.push(agent);
    const delivered = await agent.waitFor('snapshot delivered', 2, 120_000);
    // First the snapshot the killed process had queued, then the one this start-up took, as a delta on it.
    const [fresh] = agent.with('snapshot queued');
    expect(fresh).toMatchObject({ kind: 'delta', baseSnapshotId: queued?.snapshotId });
    expect(delivered.map((l) => l.snapshotId)).toEqual([queued?.snapshotId, fresh?.snapshotId]);
    expect(delivered[0]).toMatchObject({ snapshotId: queued?.snapshotId, kind: 'full', duplicate: false });
    const deviceId = delivered[0]?.deviceId as string;
    expect(stored(deviceId).map((r) => r.id)).toEqual(delivered.map((l) => l.snapshotId));
    expect(await software(deviceId)).toEqual(host.expected());
  });

  it('SIGKILL of the agent after the collector stored its snapshot but before the answer: stored once', async () => {
    const host = new HostFixture(join(dir.path, 'host-kill-ack'), { packages: 500, serial: 'E2EK0002' });
    const relay = new TcpRelay({ host: '127.0.0.1', port: Number(port) });
    relays.push(relay);
    const url = await relay.listen();
    const configPath = writeAgentConfig(join(dir.path, 'agent-kill-ack.json'), {
      server: url,
      enrollSecret: SECRET,
      stateDir: join(dir.path, 'state-kill-ack'),
      hostRoot: host.root,
      liveChannel: false,
      schedule: { inventory: '0 0 1 1 *', splaySeconds: 0 },
      retry: { minSeconds: 0.2, maxSeconds: 1 },
    });
    let agent = new AgentProcess(configPath);
    agents.push(agent);
    const [first] = await agent.waitFor('snapshot delivered');
    const deviceId = first?.deviceId as string;
    await agent.stop();

    relay.holdDown = true;
    host.install('late-package', '1.0-1');
    agent = new AgentProcess(configPath);
    agents.push(agent);
    const [queued] = await agent.waitFor('snapshot queued');
    await until(
      () => stored(deviceId).some((r) => r.id === queued?.snapshotId),
      60_000,
      () => 'the collector to store it',
    );
    await agent.kill();
    relay.release();

    agent = new AgentProcess(configPath);
    agents.push(agent);
    const delivered = await agent.waitFor('snapshot delivered', 2, 120_000);
    expect(delivered[0]).toMatchObject({ snapshotId: queued?.snapshotId, duplicate: true });
    expect(delivered[1]).toMatchObject({ kind: 'delta', duplicate: false });
    expect(stored(deviceId).map((r) => r.id)).toEqual([
      first?.snapshotId,
      queued?.snapshotId,
      delivered[1]?.snapshotId,
    ]);
    expect(await software(deviceId)).toEqual(host.expected());
  });

  it('SIGKILL of the collector in the middle of a large ingest: the agent resends, stored once', async () => {
    const host = new HostFixture(join(dir.path, 'host-kill-collector'), { packages: 40_000, serial: 'E2EC0001' });
    const stateDir = join(dir.path, 'state-kill-collector');
    const configPath = writeAgentConfig(join(dir.path, 'agent-kill-collector.json'), {
      server: collector.url,
      enrollSecret: SECRET,
      stateDir,
      hostRoot: host.root,
      liveChannel: false,
      schedule: { inventory: '0 0 1 1 *', splaySeconds: 0 },
      retry: { minSeconds: 0.2, maxSeconds: 1 },
    });
    const seen = collector.logs().length;
    const agent = new AgentProcess(configPath);
    agents.push(agent);
    const [queued] = await agent.waitFor('snapshot queued', 1, 120_000);
    await until(
      () => /"url":"\/api\/v1\/agent\/snapshots"[^\n]*"msg":"incoming request"/.test(collector.logs().slice(seen)),
      60_000,
      () => 'the upload to start',
    );
    // The 4 MB body takes milliseconds on loopback; parsing, validating and writing 40,000 packages take far longer.
    await new Promise((r) => setTimeout(r, 300));
    collector.process.kill('SIGKILL');
    await until(() => collector.process.exitCode !== null || collector.process.signalCode !== null, 10_000);
    const committedBeforeKill = storedIds().has(queued?.snapshotId as string);

    await restartCollector();
    const [delivered] = await agent.waitFor('snapshot delivered', 1, 120_000);
    expect(delivered).toMatchObject({ snapshotId: queued?.snapshotId, duplicate: committedBeforeKill });
    const deviceId = delivered?.deviceId as string;
    expect(stored(deviceId).map((r) => r.id)).toEqual([queued?.snapshotId]);
    const names = await software(deviceId);
    expect(names).toHaveLength(40_000);
    expect(names).toEqual(host.expected());
    expect(spoolFiles(stateDir)).toHaveLength(0);
  });
});
