import { makeSnapshot } from '@stocktake/shared/testing';
import { expect, it } from 'vitest';
import type { DeviceInventory, SnapshotArchive } from '../../domain/inventory/ports.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';

/** The snapshot archive: what an agent sent, kept as sent. */
/** What the contract exercises (an engine may not prune or thin its archive yet). */
type Archiving = {
  inventory: Pick<DeviceInventory, 'ingestSnapshot'>;
  snapshotArchive: Pick<SnapshotArchive, 'read' | 'deviceOf'>;
};

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
}
