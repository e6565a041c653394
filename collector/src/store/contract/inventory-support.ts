import { makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';

/** Stores a first snapshot from a new agent and gives the id of the device it describes. */
export async function deviceReporting(
  stores: { inventory: Pick<DeviceInventory, 'ingestSnapshot'> },
  agentId: string,
  spec: SnapshotSpec,
): Promise<string> {
  const snapshot = makeSnapshot({ agentId, ...spec });
  const agent = { id: agentId, deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' };
  return (await stores.inventory.ingestSnapshot(agent, snapshot, computeSectionHashes(snapshot).hashes)).deviceId;
}
