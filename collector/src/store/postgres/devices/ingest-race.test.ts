import { diffSnapshot, type Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportingAgent } from '../../../domain/inventory/device-resolution.ts';
import { ResyncNeeded } from '../../../domain/inventory/errors.ts';
import type { IngestResult } from '../../../domain/inventory/ports.ts';
import { computeSectionHashes } from '../../../domain/inventory/section-hashes.ts';
import { connect, type Db } from '../connection.ts';
import { agents, devices, snapshots } from '../schema/index.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';
import { createWriteBatcher } from '../write-batcher.ts';
import { createDeviceIngest, type DeviceIngest } from './device-ingest.ts';

const databases = testDatabases();
const pools: Db[] = [];
afterAll(async () => {
  for (const db of pools) await db.$client.end();
});

/** Two collector instances over one database: each its own pool and group commit. */
async function twoInstances(): Promise<{ a: DeviceIngest; b: DeviceIngest; db: Db }> {
  const url = await databases.create();
  const [one, two] = [connect({ url, poolSize: 2 }), connect({ url, poolSize: 2 })];
  pools.push(one, two);
  return {
    a: createDeviceIngest(one, createWriteBatcher(one)),
    b: createDeviceIngest(two, createWriteBatcher(two)),
    db: one,
  };
}

const agent = (id: string, deviceId: string | null = null): ReportingAgent => ({
  id,
  deviceId,
  enrolledAt: '2026-01-01T00:00:00.000Z',
});

const snapshotOf = (round: number, agentId = 'agent-1') =>
  makeSnapshot({
    agentId,
    hostname: 'ws-0001',
    serial: 'CZC1234XYZ',
    uuid: '4c4c4544-0042-3510-8052-b4c04f4d3232',
    macs: ['3c:22:fb:7a:19:c4'],
    software: [dpkgItem('curl', `7.88.${round}`), dpkgItem('vim', '9.0')],
  });

const ingest = (on: DeviceIngest, who: ReportingAgent, s: Snapshot) =>
  on.ingestSnapshot(who, s, computeSectionHashes(s).hashes);

describe('two collector instances ingesting for one device at once', () => {
  it('store a snapshot sent to both once: one stores it, the other acknowledges it as a duplicate', async () => {
    const { a, b, db } = await twoInstances();
    let deviceId: string | null = null;
    for (let round = 0; round < 10; round++) {
      const s = snapshotOf(round);
      const results: IngestResult[] = await Promise.all([
        ingest(a, agent('agent-1', deviceId), s),
        ingest(b, agent('agent-1', deviceId), s),
      ]);
      expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(new Set(results.map((r) => r.deviceId)).size).toBe(1);
      deviceId = results[0]?.deviceId ?? null;
    }
    const [stored] = await db.select({ n: count() }).from(snapshots);
    const [known] = await db.select({ n: count() }).from(devices);
    expect({ snapshots: stored?.n, devices: known?.n }).toEqual({ snapshots: 10, devices: 1 });
  });

  it('take one of two deltas told against the same base, and ask for a resync of the other', async () => {
    const { a, b, db } = await twoInstances();
    const base = snapshotOf(0);
    const { deviceId } = await ingest(a, agent('agent-1'), base);
    let last = base;
    for (let round = 1; round <= 10; round++) {
      const [left, right] = [snapshotOf(round), snapshotOf(round + 100)];
      const outcomes = await Promise.allSettled([
        a.ingestDelta(agent('agent-1', deviceId), diffSnapshot(last, left)),
        b.ingestDelta(agent('agent-1', deviceId), diffSnapshot(last, right)),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(refused).toEqual([expect.any(ResyncNeeded)]);
      last = outcomes[0]?.status === 'fulfilled' ? left : right;
      const [device] = await db.select({ last: devices.lastSnapshotId }).from(devices).where(eq(devices.id, deviceId));
      expect(device?.last).toBe(last.snapshotId);
    }
    const software = await a.software(deviceId);
    expect(software.map((s) => `${s.name} ${s.version}`)).toEqual([
      `curl ${last.sections.software.data?.[0]?.version}`,
      'vim 9.0',
    ]);
  });

  it('tell a machine reported for the first time by two agents at once as one machine, never two unrelated devices', async () => {
    const { a, b, db } = await twoInstances();
    for (let round = 0; round < 5; round++) {
      const serial = `CZC00${round}`;
      const spec = {
        hostname: `ws-${round}`,
        serial,
        uuid: `4c4c4544-0042-3510-8052-b4c04f4d000${round}`,
        macs: ['3c:22:fb:7a:19:c4'],
      };
      const [first, second] = [
        makeSnapshot({ agentId: `a-${round}`, ...spec }),
        makeSnapshot({ agentId: `b-${round}`, ...spec }),
      ];
      await db.insert(agents).values([
        {
          id: `a-${round}`,
          tokenHash: `ta-${round}`,
          hostname: spec.hostname,
          version: '0.1.0',
          platform: 'linux',
          enrolledAt: new Date(),
        },
        {
          id: `b-${round}`,
          tokenHash: `tb-${round}`,
          hostname: spec.hostname,
          version: '0.1.0',
          platform: 'linux',
          enrolledAt: new Date(),
        },
      ]);
      const results = await Promise.all([
        ingest(a, agent(`a-${round}`), first),
        ingest(b, agent(`b-${round}`), second),
      ]);
      const claims = await db
        .select({ claimed: agents.claimedDeviceId })
        .from(agents)
        .where(inArray(agents.id, [`a-${round}`, `b-${round}`]));
      // The later of the two either took the device over or got its own with a claim on the first.
      const oneDevice = results[0]?.deviceId === results[1]?.deviceId;
      const claimed = claims.filter((c) => c.claimed !== null).length;
      expect(oneDevice || claimed === 1, `two devices, ${claimed} of them claiming the other`).toBe(true);
    }
  });
});
