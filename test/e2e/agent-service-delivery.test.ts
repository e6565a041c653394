import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentProcess,
  agentStatus,
  apiHeaders,
  HostFixture,
  openCollectorDb,
  type RelayedRequest,
  TcpRelay,
  until,
  writeAgentConfig,
} from '../support/agent-service.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-service-secret';

/** The JSON body of a request that crossed the relay. */
function bodyOf(request: RelayedRequest): { snapshotId?: string } | undefined {
  try {
    return JSON.parse(request.body.toString('utf8')) as { snapshotId?: string };
  } catch {
    return undefined;
  }
}

interface Device {
  id: string;
  lastSnapshotId: string | null;
  online: boolean;
  software: { name: string; version: string }[];
}

describe('stocktake-agent run against a real collector', () => {
  const dir = tempDir('stocktake-e2e-service-');
  const dbPath = join(dir.path, 'collector.db');
  let collector: RunningCollector;
  let relay: TcpRelay;
  const agents: AgentProcess[] = [];

  let headers: Record<string, string> = {};
  const call = (path: string, method = 'GET') => fetch(`${collector.url}${path}`, { method, headers });
  const api = async <T>(path: string): Promise<T> => (await (await call(path)).json()) as T;
  const device = (id: string) => api<Device>(`/api/v1/devices/${id}`);

  beforeAll(async () => {
    collector = await startCollector({ dbPath, enrollSecret: SECRET });
    headers = await apiHeaders(dbPath);
    relay = new TcpRelay({ host: '127.0.0.1', port: Number(new URL(collector.url).port) });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => Promise.race([a.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    await Promise.all(agents.map((a) => a.kill()));
    await relay?.close();
    await collector?.stop();
    dir.remove();
  });

  describe('over HTTP alone (no websocket), through a relay that counts bytes', () => {
    const host = new HostFixture(join(dir.path, 'host-a'), { packages: 400, serial: 'E2EA0001' });
    let agent: AgentProcess;
    let deviceId: string;

    beforeAll(async () => {
      const url = await relay.listen();
      const config = writeAgentConfig(join(dir.path, 'agent-a.json'), {
        server: url,
        enrollSecret: SECRET,
        stateDir: join(dir.path, 'state-a'),
        hostRoot: host.root,
        schedule: { inventory: '*/2 * * * * *', splaySeconds: 0 },
        retry: { minSeconds: 0.2, maxSeconds: 1 },
      });
      // A proxy that drops websockets looks like this to the agent.
      agent = new AgentProcess(config, { STOCKTAKE_LIVE_CHANNEL: 'false' });
      agents.push(agent);
      const [first] = await agent.waitFor('snapshot delivered');
      deviceId = first?.deviceId as string;
    });

    it('sends the first snapshot in full, then an unchanged machine costs one request under 2 KB', async () => {
      expect(agent.with('snapshot delivered')[0]?.kind).toBe('full');
      const count = agent.with('snapshot delivered').length;
      const [next] = (await agent.waitFor('snapshot delivered', count + 1)).slice(count);
      expect(next?.kind).toBe('delta');
      const carrying = relay.requests.filter((r) => bodyOf(r)?.snapshotId === next?.snapshotId);
      expect(carrying).toHaveLength(1);
      expect(carrying[0]?.path).toBe('/api/v1/agent/deltas');
      expect(carrying[0]?.bytes, 'request: request line, headers and body').toBeLessThan(2048);

      const db = openCollectorDb(dbPath);
      try {
        const rows = db.prepare('SELECT id, size_bytes AS size FROM snapshots ORDER BY received_at').all() as {
          id: string;
          size: number;
        }[];
        const full = rows.find((r) => r.id === agent.with('snapshot delivered')[0]?.snapshotId);
        const delta = rows.find((r) => r.id === next?.snapshotId);
        expect(full?.size).toBeGreaterThan(30_000);
        expect(delta?.size).toBeLessThan(1600);
      } finally {
        db.close();
      }
    });

    it('a package installed and one removed arrive as that change; the stored software equals the machine', async () => {
      const queuedBefore = agent.with('snapshot queued').length;
      host.install('htop', '3.2.2-2');
      host.remove('pkg-7');
      host.install('pkg-11', '9.9-1');
      await until(async () => {
        const d = await device(deviceId);
        return d.software.some((s) => s.name === 'htop');
      });
      const changeRun = agent
        .with('snapshot queued')
        .slice(queuedBefore)
        .find((l) => l.kind === 'delta');
      expect(changeRun, agent.logs()).toBeDefined();
      const stored = (await device(deviceId)).software.map((s) => `${s.name} ${s.version}`).sort();
      expect(stored).toEqual(host.expected());
      const changes = await api<{ items: { kind: string; subject: string; snapshotId: string }[] }>(
        `/api/v1/devices/${deviceId}/changes?limit=20`,
      );
      const software = changes.items.filter((c) => c.kind.startsWith('software_'));
      expect(software.map((c) => `${c.kind} ${c.subject}`).sort()).toEqual([
        'software_installed htop',
        'software_removed pkg-7',
        'software_upgraded pkg-11',
      ]);
      // All three changes came from one snapshot: the delta that carried them.
      expect(new Set(software.map((c) => c.snapshotId)).size).toBe(1);
    });

    it('a revoked token makes the agent enrol again and carry on, on the same device', async () => {
      // The agent enrols again at most once an hour after a refusal: make its enrolment two
      // hours old, as an agent in service would have, and start it again on that.
      await agent.stop();
      const credentialsPath = join(dir.path, 'state-a', 'credentials.json');
      const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8'));
      credentials.enrolledAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
      writeFileSync(credentialsPath, JSON.stringify(credentials));
      agent = new AgentProcess(join(dir.path, 'agent-a.json'), { STOCKTAKE_LIVE_CHANNEL: 'false' });
      agents.push(agent);
      await agent.waitFor('snapshot delivered');
      const before = (await agentStatus(join(dir.path, 'agent-a.json'))).report;
      const oldAgentId = before.agentId as string;
      const db = openCollectorDb(dbPath, { readonly: false });
      try {
        db.prepare('UPDATE agents SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), oldAgentId);
      } finally {
        db.close();
      }
      const enrolled = agent.with('enrolled').length;
      await agent.waitFor('enrolled', enrolled + 1);
      const delivered = agent.with('snapshot delivered').length;
      await agent.waitFor('snapshot delivered', delivered + 2);
      const after = (await agentStatus(join(dir.path, 'agent-a.json'))).report;
      expect(after.agentId).not.toBe(oldAgentId);
      expect(after.deviceId).toBe(deviceId);
      const changes = await api<{ items: { kind: string; before: unknown; after: unknown }[] }>(
        `/api/v1/devices/${deviceId}/changes?kind=agent_replaced`,
      );
      expect(changes.items[0]).toMatchObject({ before: oldAgentId, after: after.agentId });
      expect((await device(deviceId)).software.map((s) => `${s.name} ${s.version}`).sort()).toEqual(host.expected());
    });

    it('status reports the running agent: enrolled, last push, empty outbox, next run, no live channel', async () => {
      const { code, report } = await agentStatus(join(dir.path, 'agent-a.json'));
      expect(code).toBe(0);
      expect(report).toMatchObject({
        running: true,
        enrolled: true,
        liveChannel: 'disabled',
        deviceId,
        schedule: '*/2 * * * * *',
      });
      expect(Date.parse(report.lastSuccessAt as string)).toBeGreaterThan(Date.now() - 60_000);
      expect(Date.parse(report.nextRunAt as string)).toBeGreaterThan(Date.now() - 5_000);
      expect((report.spool as { depth: number }).depth).toBeLessThanOrEqual(1);
    });
  });

  describe('with the live channel', () => {
    const host = new HostFixture(join(dir.path, 'host-b'), { packages: 200, serial: 'E2EB0001' });
    let agent: AgentProcess;
    let deviceId: string;
    const configPath = join(dir.path, 'agent-b.json');

    beforeAll(async () => {
      writeAgentConfig(configPath, {
        server: collector.url,
        enrollSecret: SECRET,
        stateDir: join(dir.path, 'state-b'),
        hostRoot: host.root,
        // Scheduled far away: only the start-up run and refresh requests take inventories here.
        schedule: { inventory: '0 0 1 1 *', splaySeconds: 0, heartbeatSeconds: 2 },
        retry: { minSeconds: 0.2, maxSeconds: 1 },
      });
      agent = new AgentProcess(configPath);
      agents.push(agent);
      const [first] = await agent.waitFor('snapshot delivered');
      deviceId = first?.deviceId as string;
      await until(async () => (await device(deviceId)).online);
    });

    it('a refresh request yields a new snapshot within 5 seconds', async () => {
      const before = (await device(deviceId)).lastSnapshotId;
      const started = Date.now();
      const res = await call(`/api/v1/devices/${deviceId}/refresh`, 'POST');
      expect(res.status).toBe(202);
      await until(
        async () => (await device(deviceId)).lastSnapshotId !== before,
        5000,
        () => 'the refreshed snapshot',
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(5000);
      expect(agent.with('snapshot queued').at(-1)?.reason).toBe('refresh');
      const { report } = await agentStatus(configPath);
      expect(report.liveChannel).toBe('connected');
    });

    it('goes offline when the agent stops, which exits 0 on SIGTERM', async () => {
      const code = await agent.stop();
      expect(code).toBe(0);
      await until(async () => !(await device(deviceId)).online, 10_000);
      const res = await call(`/api/v1/devices/${deviceId}/refresh`, 'POST');
      expect(res.status).toBe(409);
      const { code: statusCode, report } = await agentStatus(configPath);
      expect(statusCode).toBe(3);
      expect(report.running).toBe(false);
    });
  });
});
