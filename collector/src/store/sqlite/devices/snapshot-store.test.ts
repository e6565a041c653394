import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, ingestAt, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const count = (table: string) =>
  (t.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('raw snapshots', () => {
  it('keeps each snapshot as received and stores unchanged sections once', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const software = Array.from({ length: 300 }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));
    const sent = [
      makeSnapshot({ agentId, software }),
      makeSnapshot({ agentId, software }),
      makeSnapshot({ agentId, software: software.slice(1) }),
    ];
    for (const s of sent) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/agent/snapshots',
        headers: { authorization: `Bearer ${agentToken}` },
        payload: s,
      });
      expect(res.statusCode).toBe(201);
    }
    for (const s of sent) expect(t.store.snapshotStore.read(s.snapshotId)).toEqual(s);
    // Five sections, of which only the software list changed once (the others carry their
    // collection time in the envelope, not in the data).
    expect(count('snapshot_sections')).toBe(6);
    expect(count('snapshots')).toBe(3);
  });

  it('prunes snapshots past the window but never a device latest, and drops data nothing points at', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const days = (n: number) => new Date(Date.UTC(2026, 10, n));
    const ids: string[] = [];
    for (const [day, n] of [
      [1, 3],
      [2, 4],
      [20, 4],
    ] as const) {
      const snapshot = makeSnapshot({
        agentId,
        at: days(day),
        software: Array.from({ length: n }, (_, i) => dpkgItem(`p${i}`, '1')),
      });
      expect(await ingestAt(t.app, agentToken, snapshot, days(day))).toBeTruthy();
      ids.push(snapshot.snapshotId);
    }
    const softwareBlobs = () =>
      (
        t.store.sqlite.prepare("SELECT count(*) AS n FROM snapshot_sections WHERE section = 'software'").get() as {
          n: number;
        }
      ).n;
    expect(softwareBlobs()).toBe(2);
    const result = t.store.snapshotStore.prune(days(10));
    expect(result.snapshots).toBe(2);
    // The 3-package list is no longer referenced; the 4-package list still is, by the latest.
    expect(softwareBlobs()).toBe(1);
    expect(t.store.snapshotStore.read(ids[0] ?? '')).toBeUndefined();
    expect(t.store.snapshotStore.read(ids[2] ?? '')?.snapshotId).toBe(ids[2]);
    // Even far past the window, a device's latest snapshot stays.
    expect(t.store.snapshotStore.prune(days(400)).snapshots).toBe(0);
    expect(t.store.sqlite.pragma('foreign_key_check')).toEqual([]);
  });

  it('thins repeats to one per device per day before the cutoff, keeping every change and each latest', async () => {
    const a = await enrolAgent(t.app);
    const b = await enrolAgent(t.app);
    const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 10, day, hour, minute));
    const x = Array.from({ length: 20 }, (_, i) => dpkgItem(`p${i}`, '1'));
    const y = [...x.slice(1), dpkgItem('p0', '2')];
    const sent = new Map<string, string>();
    const ingest = async (
      who: { agentId: string; agentToken: string },
      label: string,
      when: Date,
      software: typeof x,
      opts: { version?: string; hostname?: string } = {},
    ) => {
      const snapshot = makeSnapshot({ agentId: who.agentId, at: when, software, hostname: opts.hostname ?? 'ws-a' });
      if (opts.version) snapshot.agent.version = opts.version;
      await ingestAt(t.app, who.agentToken, snapshot, when);
      sent.set(snapshot.snapshotId, label);
      return snapshot;
    };
    const kept = await ingest(a, 'd1 08:00', at(1, 8), x);
    await ingest(a, 'd1 09:00 repeat', at(1, 9), x);
    await ingest(a, 'd1 10:00 software changed', at(1, 10), y);
    await ingest(a, 'd1 11:00 changed back', at(1, 11), x);
    await ingest(a, 'd1 12:00 repeat', at(1, 12), x);
    await ingest(a, 'd1 13:00 agent upgraded', at(1, 13), x, { version: '0.2.0' });
    await ingest(a, 'd1 14:00 repeat', at(1, 14), x, { version: '0.2.0' });
    await ingest(a, 'd2 00:30 first of the day', at(2, 0, 30), x, { version: '0.2.0' });
    await ingest(a, 'd2 01:30 repeat', at(2, 1, 30), x, { version: '0.2.0' });
    await ingest(a, 'd2 02:30 repeat', at(2, 2, 30), x, { version: '0.2.0' });
    await ingest(a, 'd3 09:00 after the cutoff', at(3, 9), x, { version: '0.2.0' });
    await ingest(a, 'd3 10:00 after the cutoff', at(3, 10), x, { version: '0.2.0' });
    await ingest(b, 'b d1 09:00', at(1, 9), x, { hostname: 'ws-b' });
    await ingest(b, 'b d1 10:00 latest', at(1, 10), x, { hostname: 'ws-b' });
    const blobs = count('snapshot_sections');

    // One device per batch, so the paging is exercised too.
    expect(t.store.snapshotStore.thin(at(3, 0), 1)).toEqual({ snapshots: 5 });

    const remaining = (deviceKey: number) =>
      t.store.snapshotStore
        .idsOfDevice(deviceKey)
        .map((r) => sent.get(r.id))
        .reverse();
    const keyOf = (agentId: string) =>
      (
        t.store.sqlite.prepare('SELECT device_key AS k FROM snapshots WHERE agent_id = ? LIMIT 1').get(agentId) as {
          k: number;
        }
      ).k;
    expect(remaining(keyOf(a.agentId))).toEqual([
      'd1 08:00',
      'd1 10:00 software changed',
      'd1 11:00 changed back',
      'd1 13:00 agent upgraded',
      'd2 00:30 first of the day',
      'd3 09:00 after the cutoff',
      'd3 10:00 after the cutoff',
    ]);
    expect(remaining(keyOf(b.agentId))).toEqual(['b d1 09:00', 'b d1 10:00 latest']);
    // The kept snapshot points at the same data, so no section row is orphaned or lost.
    expect(count('snapshot_sections')).toBe(blobs);
    expect(t.store.snapshotStore.read(kept.snapshotId)).toEqual(kept);
    expect(t.store.sqlite.pragma('foreign_key_check')).toEqual([]);
    // A second pass finds nothing more to do.
    expect(t.store.snapshotStore.thin(at(3, 0))).toEqual({ snapshots: 0 });
  });
});
