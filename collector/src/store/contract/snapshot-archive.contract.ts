import { makeSnapshot } from '@stocktake/shared/testing';
import { expect, it } from 'vitest';
import type { DeviceInventory, SnapshotArchive } from '../../domain/inventory/ports.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';

/** What the contract exercises: ingest, and the archive's reads, pruning and thinning. */
type Archiving = {
  inventory: Pick<DeviceInventory, 'ingestSnapshot'>;
  snapshotArchive: Pick<SnapshotArchive, 'read' | 'deviceOf' | 'pruneBatch' | 'thinBatch'>;
};

/** The snapshot archive: what an agent sent, kept as sent, pruned and thinned as it ages. */
export default function snapshotArchiveContract(open: () => Promise<Archiving>): void {
  it('reads a stored snapshot back as the agent sent it, and the device it belongs to', async () => {
    const stores = await open();
    const snapshot = makeSnapshot({ agentId: 'agent-1', serial: 'CZC1234XYZ' });
    const agent = { id: 'agent-1', deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' };
    const { deviceId } = await stores.inventory.ingestSnapshot(agent, snapshot, computeSectionHashes(snapshot).hashes);
    expect(await stores.snapshotArchive.read(snapshot.snapshotId)).toEqual(snapshot);
    expect(await stores.snapshotArchive.deviceOf(snapshot.snapshotId)).toBe(deviceId);
    expect(await stores.snapshotArchive.read('no-such-snapshot')).toBeUndefined();
    expect(await stores.snapshotArchive.deviceOf('no-such-snapshot')).toBeUndefined();
  });

  /** An agent's report, at a collection time: the same content each time unless told otherwise. */
  const report = (minute: number, hostname = 'ws-archive') =>
    makeSnapshot({ agentId: 'agent-a', hostname, at: new Date(Date.UTC(2026, 10, 2, 9, minute)) });
  /** Ingests the reports in order, as one agent following the device its first report made. */
  const ingestAll = async (stores: Archiving, sent: ReturnType<typeof report>[]) => {
    let deviceId: string | null = null;
    for (const snapshot of sent) {
      const agent = { id: 'agent-a', deviceId, enrolledAt: '2026-01-01T00:00:00.000Z' };
      ({ deviceId } = await stores.inventory.ingestSnapshot(agent, snapshot, computeSectionHashes(snapshot).hashes));
    }
  };
  const after = () => new Date(Date.now() + 60 * 60 * 1000);

  it('prunes snapshots received before the cutoff but each device’s latest, and the data only they held', async () => {
    const stores = await open();
    const older = report(0, 'ws-old-name');
    const newer = report(5);
    await ingestAll(stores, [older, newer]);
    const { snapshotArchive } = stores;
    expect(await snapshotArchive.pruneBatch(new Date(0))).toEqual({ snapshots: 0, sections: 0, more: false });
    const pruned = await snapshotArchive.pruneBatch(after());
    // The older snapshot's os section (its host name) was its own; the rest it shared with the newer one.
    expect(pruned).toEqual({ snapshots: 1, sections: 1, more: false });
    expect(await snapshotArchive.read(older.snapshotId)).toBeUndefined();
    expect(await snapshotArchive.read(newer.snapshotId)).toEqual(newer);
    expect(await snapshotArchive.pruneBatch(after())).toEqual({ snapshots: 0, sections: 0, more: false });
  });

  it('thins a day’s snapshots that repeat what the one before said, keeping every change and the latest', async () => {
    const stores = await open();
    const sent = [report(0), report(1), report(2, 'ws-renamed'), report(3, 'ws-renamed'), report(4, 'ws-renamed')];
    await ingestAll(stores, sent);
    const { snapshotArchive } = stores;
    let removed = 0;
    let afterKey: number | undefined;
    for (;;) {
      const step = await snapshotArchive.thinBatch(after(), afterKey);
      removed += step.snapshots;
      if (step.lastKey === undefined) break;
      afterKey = step.lastKey;
    }
    expect(removed).toBe(2);
    const kept = [];
    for (const s of sent) if (await snapshotArchive.read(s.snapshotId)) kept.push(s.snapshotId);
    expect(kept).toEqual([sent[0]?.snapshotId, sent[2]?.snapshotId, sent[4]?.snapshotId]);
  });
}
