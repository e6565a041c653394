import type { DeviceDeletion, DeviceMerge } from '@stocktake/shared/api';
import { and, eq, sql } from 'drizzle-orm';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { ADMIN_VIEW_KEYS, deletionRecords, mergeRecords, survivingAgent } from '../../common/device-admin-records.ts';
import { pickColumns } from '../../common/fact-columns.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Matcher } from '../matching/matcher.ts';
import type { Db } from '../open-database.ts';
import {
  agents,
  deviceAssetLinks,
  deviceChanges,
  devices,
  enrolmentBlocks,
  findingRefs,
  snapshots,
} from '../schema/index.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** What a merge or a delete reads of a device. */
const adminView = pickColumns(devices, ADMIN_VIEW_KEYS);

/**
 * The admin's merge and delete of devices over SQLite. Each runs in one transaction (a
 * savepoint inside the caller's write batch), so a device is never half merged or half deleted.
 */
export function createDeviceAdmin(db: Db, matcher: Matcher, store: SnapshotStore, audit: AuditLog) {
  function load(id: string, field?: string) {
    const device = db.select(adminView).from(devices).where(eq(devices.id, id)).get();
    if (device) return device;
    if (field) throw new ValidationError(`No device ${id}`, [{ field, message: `no device ${id}` }]);
    throw new NotFoundError(`No device ${id}`);
  }

  const agentsOn = (deviceId: string) =>
    db
      .select({ id: agents.id })
      .from(agents)
      .where(eq(agents.deviceId, deviceId))
      .orderBy(agents.id)
      .all()
      .map((a) => a.id);

  const linkOf = (deviceKey: number) =>
    db
      .select({ assetId: deviceAssetLinks.assetId, method: deviceAssetLinks.method })
      .from(deviceAssetLinks)
      .where(eq(deviceAssetLinks.deviceKey, deviceKey))
      .get();

  /** Open claims that name the device, as claimant or as claimed, are void once it is gone. */
  function dropClaimsOn(deviceId: string): void {
    db.update(agents).set({ claimedDeviceId: null, claimKind: null }).where(eq(agents.claimedDeviceId, deviceId)).run();
  }

  return {
    merge(deviceId: string, mergedId: string, actor: string, now: Date): DeviceMerge {
      return db.transaction(() => {
        const survivor = load(deviceId);
        const merged = load(mergedId, 'from');
        if (survivor.key === merged.key) {
          throw new ValidationError('A device cannot be merged into itself', [
            { field: 'from', message: 'must name another device' },
          ]);
        }
        const agentIds = agentsOn(merged.id);
        const { agentId, mergedIsNewer } = survivingAgent(survivor, merged);
        const moved = {
          snapshots: db
            .update(snapshots)
            .set({ deviceKey: survivor.key })
            .where(eq(snapshots.deviceKey, merged.key))
            .run().changes,
          changes: db
            .update(deviceChanges)
            .set({ deviceKey: survivor.key })
            .where(eq(deviceChanges.deviceKey, merged.key))
            .run().changes,
        };
        // Findings keep their rows and history; their references follow the device, so the
        // survivor's findings include the merged device's.
        db.run(
          sql`update or ignore ${findingRefs} set ref_id = ${survivor.id} where ref_kind = 'device' and ref_id = ${merged.id}`,
        );
        db.delete(findingRefs)
          .where(and(eq(findingRefs.refKind, 'device'), eq(findingRefs.refId, merged.id)))
          .run();
        db.run(
          sql`update or ignore ${enrolmentBlocks} set value = ${survivor.id} where kind = 'device' and value = ${merged.id}`,
        );
        db.delete(enrolmentBlocks)
          .where(and(eq(enrolmentBlocks.kind, 'device'), eq(enrolmentBlocks.value, merged.id)))
          .run();
        const survivorLink = linkOf(survivor.key);
        const mergedLink = linkOf(merged.key);
        const linkMoved = !survivorLink && mergedLink !== undefined;
        if (linkMoved) {
          db.update(deviceAssetLinks)
            .set({ deviceKey: survivor.key })
            .where(eq(deviceAssetLinks.deviceKey, merged.key))
            .run();
        }
        db.update(agents).set({ deviceId: survivor.id }).where(eq(agents.deviceId, merged.id)).run();
        dropClaimsOn(merged.id);
        // An agent of the merged device claiming the survivor has what it claimed.
        db.update(agents)
          .set({ claimedDeviceId: null, claimKind: null })
          .where(and(eq(agents.deviceId, survivor.id), eq(agents.claimedDeviceId, survivor.id)))
          .run();
        db.delete(devices).where(eq(devices.key, merged.key)).run();
        db.update(devices)
          .set({ agentId, ...(mergedIsNewer ? { lastSeenAt: merged.lastSeenAt } : {}) })
          .where(eq(devices.key, survivor.key))
          .run();
        const { change, audits, result } = mergeRecords({
          survivor,
          merged,
          agentId,
          agentIds,
          survivorAgentIds: agentsOn(survivor.id),
          mergedLink,
          linkMoved,
          moved,
          actor,
          now,
        });
        const nowIso = now.toISOString();
        db.insert(deviceChanges)
          .values({ deviceKey: survivor.key, observedAt: nowIso, recordedAt: nowIso, ...change })
          .run();
        for (const entry of audits) audit.write(entry);
        matcher.matchDevice(survivor.key, now);
        return result;
      });
    },

    delete(deviceId: string, actor: string, now: Date): DeviceDeletion {
      return db.transaction(() => {
        const device = load(deviceId);
        const agentIds = agentsOn(device.id);
        const link = linkOf(device.key);
        // Unbound, its agents' next reports resolve by hardware alone, finding no device.
        db.update(agents)
          .set({ deviceId: null, claimedDeviceId: null, claimKind: null })
          .where(eq(agents.deviceId, device.id))
          .run();
        dropClaimsOn(device.id);
        const blocksLifted = db
          .delete(enrolmentBlocks)
          .where(and(eq(enrolmentBlocks.kind, 'device'), eq(enrolmentBlocks.value, device.id)))
          .run().changes;
        const removed = store.deleteOfDevice(device.key);
        db.delete(devices).where(eq(devices.key, device.key)).run();
        const { audit: entry, result } = deletionRecords({
          device,
          agentIds,
          link,
          snapshots: removed.snapshots,
          blocksLifted,
          actor,
          now,
        });
        audit.write(entry);
        return result;
      });
    },
  };
}

export type DeviceAdmin = ReturnType<typeof createDeviceAdmin>;
