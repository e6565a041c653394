import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { diffSnapshot, RESYNC_PROBLEM_TYPE, type Snapshot, type SnapshotDelta } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../../collector/src/http/routes/api/v1/agent/live-client.test-support.ts';
import { testDatabases } from '../../collector/src/store/postgres/test-support/test-databases.test-support.ts';
import { AgentProcess, apiHeaders, HostFixture, until, writeAgentConfig } from '../support/agent-service.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-cluster-secret';
/** Every two seconds (node-cron reads a sixth, leading field as seconds): a few ticks pass during the test. */
const RECONCILE_EVERY_2S = '*/2 * * * * *';

interface Device {
  id: string;
  online: boolean;
  lastHeartbeatAt: string | null;
  lastSnapshotId: string | null;
}
interface Run {
  id: number;
  trigger: string;
  status: string;
}
interface LogLine {
  msg?: string;
  runId?: number;
  tick?: string;
}

/** The collector's JSON log lines with this message. */
function logLines(collector: RunningCollector, msg: string): LogLine[] {
  return collector
    .logs()
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as LogLine;
        return parsed.msg === msg ? [parsed] : [];
      } catch {
        return [];
      }
    });
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}

/** One query on the collectors' database, through the collector's own PostgreSQL driver. */
async function query<Row>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const require = createRequire(resolve(import.meta.dirname, '..', '..', 'collector', 'package.json'));
  const pg = require('pg') as { Client: new (config: { connectionString: string }) => PgClient };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

/**
 * Two collector processes on one PostgreSQL database, as behind a load balancer: real agents
 * with live channels on each, refresh requests relayed between them, each reconciliation tick
 * taken by one of them, and an instance killed in the middle of a batch of ingests.
 */
describe('two collector processes on one PostgreSQL database', () => {
  const databases = testDatabases();
  const dir = tempDir('stocktake-e2e-cluster-');
  let url: string;
  let a: RunningCollector;
  let b: RunningCollector;
  const collectors: RunningCollector[] = [];
  let headers: Record<string, string> = {};
  const agents: AgentProcess[] = [];
  /** The device of the real agent whose live channel each instance holds. */
  const deviceOn = { a: '', b: '' };

  const api = async <T>(on: RunningCollector, path: string, method = 'GET'): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${on.url}${path}`, { method, headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  const device = async (on: RunningCollector, id: string) => (await api<Device>(on, `/api/v1/devices/${id}`)).body;

  /** An agent of the test's own, enrolled through `on`. */
  const enroll = async (on: RunningCollector, hostname: string) => {
    const res = await fetch(`${on.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { agentId: string; agentToken: string };
  };
  /** A full snapshot (`snapshots`) or a delta (`deltas`) sent as an agent does. */
  const send = (on: RunningCollector, token: string, body: Snapshot | SnapshotDelta, to = 'snapshots') =>
    fetch(`${on.url}/api/v1/agent/${to}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** A snapshot of one machine whose packages all carry `round` in their version. */
  const machineAt = (agentId: string, hostname: string, round: number, packages = 150) =>
    makeSnapshot({
      agentId,
      hostname,
      serial: `SERIAL-${hostname}`,
      software: Array.from({ length: packages }, (_, p) => dpkgItem(`pkg-${p}`, `1.${p}.${round}`)),
    });

  /** A real agent with its live channel to `collector`, inventorying a machine of its own. */
  const agentOn = async (collector: RunningCollector, name: string): Promise<string> => {
    const host = new HostFixture(join(dir.path, `host-${name}`), {
      packages: 40,
      serial: `CLUSTER-${name}`,
      uuid: `4c4c4544-0058-4b10-8033-b7c04f51000${name === 'a' ? 1 : 2}`,
    });
    const config = writeAgentConfig(join(dir.path, `agent-${name}.json`), {
      server: collector.url,
      enrollSecret: SECRET,
      stateDir: join(dir.path, `state-${name}`),
      hostRoot: host.root,
      // Far away: only the start-up run and refresh requests take inventories here.
      schedule: { inventory: '0 0 1 1 *', splaySeconds: 0, heartbeatSeconds: 2 },
      retry: { minSeconds: 0.2, maxSeconds: 1 },
    });
    const agent = new AgentProcess(config);
    agents.push(agent);
    const [first] = await agent.waitFor('snapshot delivered');
    return first?.deviceId as string;
  };

  // Two collectors and two agents start here: allowed longer than one process on a loaded machine.
  beforeAll(async () => {
    url = await databases.create();
    const options = {
      dbPath: url,
      enrollSecret: SECRET,
      extraArgs: ['--reconcile-cron', RECONCILE_EVERY_2S],
      startTimeoutMs: 60_000,
    };
    const started = await Promise.allSettled([startCollector(options), startCollector(options)]);
    for (const s of started) if (s.status === 'fulfilled') collectors.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    [a, b] = collectors as [RunningCollector, RunningCollector];
    headers = await apiHeaders(url);
    [deviceOn.a, deviceOn.b] = await Promise.all([agentOn(a, 'a'), agentOn(b, 'b')]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await Promise.all(collectors.map((c) => c.stop()));
    dir.remove();
  });

  it('answers both agents online and with their last heartbeat, whichever instance is asked', async () => {
    for (const id of [deviceOn.a, deviceOn.b]) {
      await until(
        async () => (await device(a, id)).online && (await device(b, id)).online,
        20_000,
        () => id,
      );
      const [fromA, fromB] = [await device(a, id), await device(b, id)];
      expect(fromA.lastHeartbeatAt).not.toBeNull();
      expect(fromB.lastHeartbeatAt).not.toBeNull();
    }
    const list = (await api<{ items: { id: string }[] }>(b, '/api/v1/devices')).body;
    expect(list.items.map((d) => d.id).sort()).toEqual([deviceOn.a, deviceOn.b].sort());
  });

  it('delivers a refresh asked of one instance to the agent whose channel the other holds', async () => {
    const [agentOnA, agentOnB] = agents;
    const asked = [
      { via: b, id: deviceOn.a, agent: agentOnA },
      { via: a, id: deviceOn.b, agent: agentOnB },
    ];
    const before = await Promise.all(asked.map(async ({ id }) => (await device(a, id)).lastSnapshotId));
    for (const { via, id } of asked) {
      expect((await api(via, `/api/v1/devices/${id}/refresh`, 'POST')).status).toBe(202);
    }
    for (const [i, { via, id, agent }] of asked.entries()) {
      await until(
        async () => (await device(via, id)).lastSnapshotId !== before[i],
        20_000,
        () => `refresh of ${id}`,
      );
      expect(agent?.with('snapshot queued').at(-1)?.reason).toBe('refresh');
    }
  });

  it('runs each reconciliation tick on one instance only, though both schedule it', async () => {
    const finished = async () =>
      (await api<{ items: Run[] }>(b, '/api/v1/reconciliations?limit=200')).body.items.filter(
        (r) => r.trigger === 'schedule' && r.status !== 'running',
      );
    await until(
      async () => (await finished()).length >= 3,
      30_000,
      () => 'three scheduled runs',
    );
    const runs = await finished();
    // Each instance logs the tick of every run it made, and of every tick it found a run in progress for.
    const ran = () => [a, b].flatMap((c) => logLines(c, 'scheduled reconciliation done'));
    await until(
      () => runs.every((r) => ran().some((l) => l.runId === r.id)),
      10_000,
      () => 'the runs logged',
    );
    const tickOf = new Map(ran().map((l) => [l.runId, l.tick]));
    const runTicks = runs.map((r) => tickOf.get(r.id));
    expect(runTicks.every((t) => typeof t === 'string')).toBe(true);
    expect(
      runTicks.filter((t, i) => runTicks.indexOf(t) !== i),
      'ticks with two runs',
    ).toEqual([]);
    // A tick started on one instance and found running by the other was taken by both, too.
    const skipped = [a, b].flatMap((c) => logLines(c, 'scheduled reconciliation skipped: a run is in progress'));
    const taken = [...ran(), ...skipped].map((l) => l.tick);
    expect(
      taken.filter((t, i) => taken.indexOf(t) !== i),
      'ticks taken by both instances',
    ).toEqual([]);
  });

  it('takes one of two deltas told against one base through the two instances at once, and has the other resent in full', async () => {
    const { agentId, agentToken } = await enroll(a, 'ws-race');
    let last = machineAt(agentId, 'ws-race', 0, 20);
    const first = await send(a, agentToken, last);
    expect(first.status).toBe(201);
    const { deviceId } = (await first.json()) as { deviceId: string };
    for (let round = 1; round <= 3; round++) {
      const [left, right] = [machineAt(agentId, 'ws-race', round, 20), machineAt(agentId, 'ws-race', round + 100, 20)];
      const answers = await Promise.all([
        send(a, agentToken, diffSnapshot(last, left), 'deltas'),
        send(b, agentToken, diffSnapshot(last, right), 'deltas'),
      ]);
      const refused = answers.find((r) => r.status !== 201);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await refused?.json()).toMatchObject({ type: RESYNC_PROBLEM_TYPE });
      last = answers[0]?.status === 201 ? left : right;
      expect((await device(b, deviceId)).lastSnapshotId).toBe(last.snapshotId);
    }
    const stored = (await api<{ software: { name: string; version: string }[] }>(a, `/api/v1/devices/${deviceId}`))
      .body;
    expect(stored.software.map((s) => `${s.name} ${s.version}`).sort()).toEqual(
      (last.sections.software.data ?? []).map((s) => `${s.name} ${s.version}`).sort(),
    );
  });

  it('loses and duplicates nothing when an instance is killed in the middle of a batch of ingests', async () => {
    // Agents of the test's own: a real agent sends one snapshot at a time, and this needs many in
    // flight at the moment of the kill and exactly which were acknowledged.
    const clients = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const { agentId, agentToken } = await enroll(b, `ws-kill-${i}`);
        const snapshots = [0, 1, 2].map((round) => machineAt(agentId, `ws-kill-${i}`, round));
        return { agentId, agentToken, snapshots, acked: new Set<string>() };
      }),
    );

    let inFlight = 0;
    let killed = false;
    // Each agent sends its snapshots in order, the next once the last is acknowledged, as an agent's outbox does.
    const sending = clients.map(async (client) => {
      for (const snapshot of client.snapshots) {
        if (killed) return;
        inFlight++;
        try {
          const res = await send(a, client.agentToken, snapshot);
          if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
          client.acked.add(snapshot.snapshotId);
        } catch (err) {
          if (!killed) throw err;
          return;
        } finally {
          inFlight--;
        }
      }
    });
    const total = clients.length * 3;
    const acked = () => clients.reduce((n, c) => n + c.acked.size, 0);
    await until(
      () => acked() >= total / 4,
      60_000,
      () => 'a quarter of the snapshots acknowledged',
    );
    killed = true;
    const inFlightAtKill = inFlight;
    a.process.kill('SIGKILL');
    await Promise.all(sending);
    const ackedBeforeKill = acked();
    expect(inFlightAtKill, 'snapshots in flight when the instance was killed').toBeGreaterThan(0);
    expect(ackedBeforeKill).toBeLessThan(total);

    // What got no acknowledgement is sent again through the other instance, with the same ids.
    const answers: number[] = [];
    await Promise.all(
      clients.map(async (client) => {
        for (const snapshot of client.snapshots.filter((s) => !client.acked.has(s.snapshotId))) {
          const res = await send(b, client.agentToken, snapshot);
          answers.push(res.status);
          expect([200, 201], await res.text()).toContain(res.status);
        }
      }),
    );
    expect(answers).toHaveLength(total - ackedBeforeKill);

    // Every snapshot stored once, every agent on one device, whose last snapshot is the agent's last.
    const sent = clients.flatMap((c) => c.snapshots.map((s) => s.snapshotId));
    const stored = await query<{ id: string }>(url, 'select id from snapshots where id = any($1)', [sent]);
    expect(stored.map((s) => s.id).sort()).toEqual([...sent].sort());
    const devices = await query<{ agent_id: string; last: string }>(
      url,
      'select agent_id, last_snapshot_id as last from devices where agent_id = any($1)',
      [clients.map((c) => c.agentId)],
    );
    expect(devices).toHaveLength(clients.length);
    expect(Object.fromEntries(devices.map((d) => [d.agent_id, d.last]))).toEqual(
      Object.fromEntries(clients.map((c) => [c.agentId, c.snapshots.at(-1)?.snapshotId])),
    );
    // A snapshot applied twice would record its changes twice: each later round upgrades every package once.
    const changes = await query<{ snapshot_id: string; n: string }>(
      url,
      `select snapshot_id, count(*) as n from device_changes where snapshot_id = any($1) and kind = 'software_upgraded' group by snapshot_id`,
      [sent],
    );
    const upgrades = Object.fromEntries(changes.map((c) => [c.snapshot_id, Number(c.n)]));
    for (const client of clients) {
      expect(client.snapshots.map((s) => upgrades[s.snapshotId] ?? 0)).toEqual([0, 150, 150]);
    }
  });
  it('stops on SIGTERM while its live channels open and their presence is written, closing them and marking them offline', async () => {
    const c = await startCollector({
      dbPath: url,
      enrollSecret: SECRET,
      // Forty enrolments from one address, as a deployment tool would not send them.
      extraArgs: ['--enroll-rate-limit', '0', '--reconcile-cron', 'off'],
      startTimeoutMs: 60_000,
    });
    collectors.push(c);
    const enrolled = await Promise.all(Array.from({ length: 40 }, (_, i) => enroll(c, `shutdown-${i}`)));
    // Opened all at once and stopped at once: their presence writes queue for the pool's connections.
    const channels = await Promise.all(enrolled.map((agent) => LiveClient.open(c.url, agent.agentToken)));
    const stopped = await Promise.race([
      c.stop().then(() => 'stopped'),
      new Promise<string>((done) => setTimeout(() => done('still running 20 s after SIGTERM'), 20_000).unref()),
    ]);
    expect(stopped, c.logs().slice(-2000)).toBe('stopped');
    // Every channel was closed by the collector on its way out (its agents reconnect, elsewhere or
    // later), and the instance still serving (the other was killed above) says none is online.
    await Promise.all(channels.map((channel) => channel.closed));
    const { body } = await api<{ items: { id: string; online: boolean }[] }>(b, '/api/v1/agents');
    const mine = body.items.filter((agent) => enrolled.some((e) => e.agentId === agent.id));
    expect(mine).toHaveLength(enrolled.length);
    expect(mine.filter((agent) => agent.online)).toEqual([]);
  }, 60_000);
});
