import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const count = (table: string) => (t.app.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

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
    for (const s of sent) expect(t.app.snapshotStore.read(s.snapshotId)).toEqual(s);
    // Five sections, of which only the software list changed once (the others carry their
    // collection time in the envelope, not in the data).
    expect(count('snapshot_sections')).toBe(6);
    expect(count('snapshots')).toBe(3);
  });

  it('prunes snapshots past the window but never a device latest, and drops data nothing points at', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    // As the route does, the agent is read afresh for each snapshot (it learns its device).
    const agent = () => {
      const row = t.app.agentsRepository.findByToken(agentToken);
      if (!row) throw new Error('agent not stored');
      return row;
    };
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
      const { deviceId } = t.app.devicesRepository.ingest(
        agent(),
        snapshot,
        Object.fromEntries(Object.entries(snapshot.sections).map(([k, v]) => [k, v.hash])),
        days(day),
      );
      expect(deviceId).toBeTruthy();
      ids.push(snapshot.snapshotId);
    }
    const softwareBlobs = () =>
      (
        t.app.sqlite.prepare("SELECT count(*) AS n FROM snapshot_sections WHERE section = 'software'").get() as {
          n: number;
        }
      ).n;
    expect(softwareBlobs()).toBe(2);
    const result = t.app.snapshotStore.prune(days(10));
    expect(result.snapshots).toBe(2);
    // The 3-package list is no longer referenced; the 4-package list still is, by the latest.
    expect(softwareBlobs()).toBe(1);
    expect(t.app.snapshotStore.read(ids[0] ?? '')).toBeUndefined();
    expect(t.app.snapshotStore.read(ids[2] ?? '')?.snapshotId).toBe(ids[2]);
    // Even far past the window, a device's latest snapshot stays.
    expect(t.app.snapshotStore.prune(days(400)).snapshots).toBe(0);
    expect(t.app.sqlite.pragma('foreign_key_check')).toEqual([]);
  });
});
