import { randomUUID } from 'node:crypto';
import { diffSnapshot, RESYNC_PROBLEM_TYPE, type Snapshot, type SoftwareItem } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
let agent: { agentId: string; agentToken: string };
beforeEach(async () => {
  t = await createTestApp();
  agent = await enrolAgent(t.app);
});
afterEach(async () => t.close());

const packages = (n: number) => Array.from({ length: n }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));

const post = (url: string, payload: unknown, token = agent.agentToken) =>
  t.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });

function next(base: Snapshot, software?: SoftwareItem[]): Snapshot {
  const s = makeSnapshot({ agentId: agent.agentId, serial: 'SER1', software: software ?? packages(300) });
  s.collectedAt = new Date(Date.parse(base.collectedAt) + 60_000).toISOString();
  s.identity = base.identity;
  s.sections.hardware = { ...base.sections.hardware, collectedAt: s.collectedAt };
  s.sections.os = { ...base.sections.os, collectedAt: s.collectedAt };
  return s;
}

async function storeBase(): Promise<{ base: Snapshot; deviceId: string }> {
  const base = makeSnapshot({ agentId: agent.agentId, serial: 'SER1', software: packages(300) });
  const res = await post('/api/v1/agent/snapshots', base);
  expect(res.statusCode).toBe(201);
  return { base, deviceId: res.json().deviceId };
}

const storedSoftware = async (deviceId: string) =>
  ((await t.inject({ url: `/api/v1/devices/${deviceId}` })).json() as { software: SoftwareItem[] }).software;

describe('POST /api/v1/agent/deltas', () => {
  it('ingests an unchanged machine without touching software rows, and a resend stores nothing twice', async () => {
    const { base, deviceId } = await storeBase();
    const delta = diffSnapshot(base, next(base));
    expect(Buffer.byteLength(JSON.stringify(delta))).toBeLessThan(2048);
    const softwareBefore = t.store.sqlite.prepare('SELECT * FROM device_software ORDER BY software_id').all();
    const res = await post('/api/v1/agent/deltas', delta);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ snapshotId: delta.snapshotId, deviceId, duplicate: false, accepts: ['usage'] });
    expect(t.store.sqlite.prepare('SELECT * FROM device_software ORDER BY software_id').all()).toEqual(softwareBefore);
    const device = t.store.devicesRepository.get(deviceId);
    expect(device?.lastSnapshotId).toBe(delta.snapshotId);
    expect(t.store.snapshotStore.read(delta.snapshotId)?.sections.software.hash).toBe(base.sections.software.hash);

    const before = dumpDatabase(t.store.sqlite);
    const again = await post('/api/v1/agent/deltas', delta);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, deviceId });
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('applies added, upgraded and removed packages and records them as changes', async () => {
    const { base, deviceId } = await storeBase();
    const items = packages(300).filter((p) => p.name !== 'pkg-5');
    items[10] = dpkgItem('pkg-11', '9.9');
    items.push(dpkgItem('htop', '3.2.2-2'));
    const snapshot = next(base, items);
    const delta = diffSnapshot(base, snapshot);
    expect(delta.sections.software.change).toBe('patched');
    const res = await post('/api/v1/agent/deltas', delta);
    expect(res.statusCode, res.body).toBe(201);
    const key = (s: SoftwareItem) => `${s.name} ${s.version}`;
    expect((await storedSoftware(deviceId)).map(key).sort()).toEqual(items.map(key).sort());
    const changes = (await t.inject({ url: `/api/v1/devices/${deviceId}/changes` })).json() as {
      items: { kind: string; subject: string }[];
    };
    expect(changes.items.map((c) => `${c.kind} ${c.subject}`).sort()).toEqual([
      'first_seen ws-0001',
      'software_installed htop',
      'software_removed pkg-5',
      'software_upgraded pkg-11',
    ]);
  });

  it('answers 409 resync when the base is not the last stored snapshot, and writes nothing', async () => {
    const { base } = await storeBase();
    const stale = diffSnapshot({ ...base, snapshotId: randomUUID() }, next(base));
    const before = dumpDatabase(t.store.sqlite);
    const res = await post('/api/v1/agent/deltas', stale);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ type: RESYNC_PROBLEM_TYPE, status: 409 });
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('answers resync when the stored data differs from what the agent based its delta on', async () => {
    const { base } = await storeBase();
    const agentView = structuredClone(base);
    agentView.sections.software = makeSnapshot({ software: packages(299) }).sections.software;
    const delta = diffSnapshot(agentView, next(base, packages(299)));
    expect(delta.sections.software.change).toBe('unchanged');
    const res = await post('/api/v1/agent/deltas', delta);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('/sections/software/hash');
  });

  it('answers resync to an "unchanged" section whose last snapshot here failed, though the device kept older data', async () => {
    const { base } = await storeBase();
    const failed = next(base);
    failed.sections.software = {
      status: 'failed',
      reason: 'dpkg-query timed out',
      collectedAt: failed.collectedAt,
      durationMs: 5,
    };
    expect((await post('/api/v1/agent/snapshots', failed)).statusCode).toBe(201);
    // The agent's view is the first snapshot: it claims the software list is the one before the failure.
    const delta = diffSnapshot({ ...base, snapshotId: failed.snapshotId }, next(failed));
    expect(delta.sections.software.change).toBe('unchanged');
    const before = dumpDatabase(t.store.sqlite);
    const res = await post('/api/v1/agent/deltas', delta);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('/sections/software/hash');
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('chains deltas: each one applies to the state the previous one left, and the stored snapshots read back whole', async () => {
    const { base, deviceId } = await storeBase();
    const second = next(base, [...packages(300), dpkgItem('extra', '1.0')]);
    const d1 = diffSnapshot(base, second);
    expect(d1.sections.software.change).toBe('patched');
    expect((await post('/api/v1/agent/deltas', d1)).statusCode).toBe(201);
    const third = next(second, [...packages(300), dpkgItem('extra', '1.0')]);
    const d2 = diffSnapshot(second, third);
    expect(d2.sections.software.change).toBe('unchanged');
    expect((await post('/api/v1/agent/deltas', d2)).statusCode).toBe(201);
    const fourth = next(third, packages(300).slice(1));
    const d3 = diffSnapshot(third, fourth);
    expect((await post('/api/v1/agent/deltas', d3)).statusCode).toBe(201);
    expect((await storedSoftware(deviceId)).map((p) => p.name)).toEqual(
      packages(300)
        .slice(1)
        .map((p) => p.name)
        .sort(),
    );
    // Every stored snapshot, the unchanged one included, reads back with its software list.
    expect(t.store.snapshotStore.read(d2.snapshotId)?.sections.software.data).toHaveLength(301);
    expect(t.store.snapshotStore.read(d3.snapshotId)?.sections.software.data).toHaveLength(299);
  });

  it('answers resync to an agent with no device yet', async () => {
    const base = makeSnapshot({ agentId: agent.agentId });
    const res = await post('/api/v1/agent/deltas', diffSnapshot(base, next(base)));
    expect(res.statusCode).toBe(409);
    expect(res.json().type).toBe(RESYNC_PROBLEM_TYPE);
  });

  it('refuses a delta with field paths, and without a live token', async () => {
    const { base } = await storeBase();
    const delta = diffSnapshot(base, next(base)) as unknown as { sections: Record<string, unknown> };
    const bad = { ...delta, sections: { ...delta.sections, os: { change: 'unchanged' } } };
    const res = await post('/api/v1/agent/deltas', bad);
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .join(' '),
    ).toContain('/sections/os');

    await t.app.stores.agents.revoke(agent.agentId);
    const revoked = await post('/api/v1/agent/deltas', diffSnapshot(base, next(base)));
    expect(revoked.statusCode).toBe(401);
  });

  it('refuses a section that claims data it does not carry', async () => {
    const { base } = await storeBase();
    const delta = diffSnapshot(base, next(base));
    delta.sections.users = {
      change: 'replaced',
      status: 'ok',
      collectedAt: delta.collectedAt,
      durationMs: 1,
    };
    const res = await post('/api/v1/agent/deltas', delta);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/sections/users/data', message: 'is required when status is ok' }]);
  });
});
