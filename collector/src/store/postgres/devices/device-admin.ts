import type { DeviceDeletion, DeviceMerge } from '@stocktake/shared/api';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import type { DeviceAdoption, DeviceInventory } from '../../../domain/inventory/ports.ts';
import {
  ADMIN_VIEW_KEYS,
  type AdminChange,
  adoptionRecords,
  deletionRecords,
  mergeRecords,
  survivingAgent,
} from '../../common/device-admin-records.ts';
import { pickColumns } from '../../common/fact-columns.ts';
import { writeAudit, writeAudits } from '../audit/audit-repository.ts';
import type { Executor, Tx } from '../connection.ts';
import { lockDevices, type Matcher } from '../matching/matcher.ts';
import {
  agents,
  deviceAssetLinks,
  deviceChanges,
  devices,
  enrolmentBlocks,
  findingRefs,
  snapshotSections,
  snapshots,
} from '../schema/index.ts';
import type { WriteBatcher } from '../write-batcher.ts';

const adminView = pickColumns(devices, ADMIN_VIEW_KEYS);

/** An admin's change line on a device, at `now`. */
const changeRow = (deviceKey: number, change: AdminChange, now: Date) => ({
  deviceKey,
  observedAt: now,
  recordedAt: now,
  ...change,
});

/**
 * Folds a device into another: the snapshots it holds move along (so their ids stay known, and
 * resends are acknowledged), and the rest of it (its software, parts, history, link) goes with it.
 */
export async function foldDevice(tx: Executor, targetKey: number, mergedKey: number): Promise<void> {
  await tx.update(snapshots).set({ deviceKey: targetKey }).where(eq(snapshots.deviceKey, mergedKey));
  await tx.delete(devices).where(eq(devices.key, mergedKey));
}

/** Deletes a device's snapshots and the section data no other snapshot points at; how many snapshots. */
async function deleteSnapshotsOf(tx: Tx, deviceKey: number): Promise<number> {
  const gone = await tx.delete(snapshots).where(eq(snapshots.deviceKey, deviceKey)).returning({
    hardware: snapshots.hardwareData,
    os: snapshots.osData,
    software: snapshots.softwareData,
    patches: snapshots.patchesData,
    users: snapshots.usersData,
  });
  const ids = [...new Set(gone.flatMap((g) => Object.values(g).filter((id): id is number => id !== null)))];
  if (ids.length > 0) {
    // A separate statement: within the one that deleted them, the snapshots would still be seen.
    await tx.delete(snapshotSections).where(
      and(
        inArray(snapshotSections.id, ids),
        sql`not exists (select 1 from ${snapshots} s where ${snapshotSections.id} in
          (s.hardware_data, s.os_data, s.software_data, s.patches_data, s.users_data))`,
      ),
    );
  }
  return gone.length;
}

/** Open claims that name the device, as claimant or as claimed, are void once it is gone. */
const dropClaimsOn = (tx: Tx, deviceId: string) =>
  tx.update(agents).set({ claimedDeviceId: null, claimKind: null }).where(eq(agents.claimedDeviceId, deviceId));

/**
 * Moves the rows keyed by a device's id (findings' references, enrolment blocks) to the survivor;
 * a row the survivor already has is dropped instead, as the unique key allows one.
 */
async function moveIdRefs(tx: Tx, fromId: string, toId: string): Promise<void> {
  await tx.execute(sql`update ${findingRefs} r set ref_id = ${toId}
    where r.ref_kind = 'device' and r.ref_id = ${fromId} and not exists
      (select 1 from ${findingRefs} o where o.finding_id = r.finding_id and o.ref_kind = 'device' and o.ref_id = ${toId})`);
  await tx.delete(findingRefs).where(and(eq(findingRefs.refKind, 'device'), eq(findingRefs.refId, fromId)));
  await tx.execute(sql`update ${enrolmentBlocks} b set value = ${toId}
    where b.kind = 'device' and b.value = ${fromId} and not exists
      (select 1 from ${enrolmentBlocks} o where o.kind = 'device' and o.value = ${toId})`);
  await tx.delete(enrolmentBlocks).where(and(eq(enrolmentBlocks.kind, 'device'), eq(enrolmentBlocks.value, fromId)));
}

/**
 * An admin's adoption, merge and delete of devices over PostgreSQL. Each is one unit of the write
 * batcher, locked on the agents that report on the devices it touches (as their ingests are), and
 * holds the devices' rows until it commits, so an ingest or a person's link on another collector
 * waits for it and then reads what it left.
 */
export function createDeviceAdmin(
  db: Executor,
  batcher: WriteBatcher,
  matcher: Matcher,
): Pick<DeviceInventory, 'adopt' | 'merge' | 'delete'> {
  async function load(tx: Tx, id: string, field?: string) {
    const [device] = await tx.select(adminView).from(devices).where(eq(devices.id, id));
    if (device) return device;
    if (field) throw new ValidationError(`No device ${id}`, [{ field, message: `no device ${id}` }]);
    throw new NotFoundError(`No device ${id}`);
  }

  const agentsOn = async (tx: Executor, deviceId: string) =>
    (await tx.select({ id: agents.id }).from(agents).where(eq(agents.deviceId, deviceId)).orderBy(asc(agents.id))).map(
      (a) => a.id,
    );

  const linkOf = async (tx: Tx, deviceKey: number) =>
    (
      await tx
        .select({ assetId: deviceAssetLinks.assetId, method: deviceAssetLinks.method })
        .from(deviceAssetLinks)
        .where(eq(deviceAssetLinks.deviceKey, deviceKey))
    )[0];

  /** Runs `work` as a batch unit locked on the agents now reporting on these devices (and `also`). */
  async function locked<T>(deviceIds: string[], also: string[], work: (tx: Tx) => Promise<T>): Promise<T> {
    const reporting = await db.select({ id: agents.id }).from(agents).where(inArray(agents.deviceId, deviceIds));
    const locks = [...new Set([...reporting.map((a) => a.id), ...also])].map((id) => `agent:${id}`);
    return batcher.submit({ locks, work: (tx) => work(tx) });
  }

  async function adopt(tx: Tx, deviceId: string, agentId: string, actor: string, now: Date): Promise<DeviceAdoption> {
    const device = await load(tx, deviceId);
    const [agent] = await tx
      .select({ id: agents.id, deviceId: agents.deviceId, revokedAt: agents.revokedAt })
      .from(agents)
      .where(eq(agents.id, agentId))
      .for('update');
    if (!agent || agent.revokedAt) throw new NotFoundError(`No live agent ${agentId}`);
    if (device.agentId === agentId) {
      throw new ConflictError(`Device ${deviceId} already follows agent ${agentId}`, 'agentId');
    }
    const [interim] =
      agent.deviceId && agent.deviceId !== deviceId
        ? await tx.select(adminView).from(devices).where(eq(devices.id, agent.deviceId))
        : [];
    await lockDevices(tx, [device.key, ...(interim ? [interim.key] : [])]);
    // Only a device the agent itself follows is folded in; one taken over since stays.
    const merged = interim && interim.agentId === agentId ? interim : undefined;
    if (merged) await foldDevice(tx, device.key, merged.key);
    await tx.update(devices).set({ agentId }).where(eq(devices.key, device.key));
    await tx.update(agents).set({ deviceId, claimedDeviceId: null, claimKind: null }).where(eq(agents.id, agentId));
    const { change, audit } = adoptionRecords(device, agentId, merged?.id, actor, now);
    await tx.insert(deviceChanges).values(changeRow(device.key, change, now));
    await writeAudit(tx, audit);
    await matcher.matchDevices(tx, [device.key], now);
    return { deviceId, agentId, replacedAgentId: device.agentId, mergedDeviceId: merged?.id ?? null };
  }

  async function merge(tx: Tx, deviceId: string, mergedId: string, actor: string, now: Date): Promise<DeviceMerge> {
    const survivor = await load(tx, deviceId);
    const merged = await load(tx, mergedId, 'from');
    if (survivor.key === merged.key) {
      throw new ValidationError('A device cannot be merged into itself', [
        { field: 'from', message: 'must name another device' },
      ]);
    }
    await lockDevices(tx, [survivor.key, merged.key]);
    const agentIds = await agentsOn(tx, merged.id);
    const { agentId, mergedIsNewer } = survivingAgent(survivor, merged);
    const moved = {
      snapshots:
        (await tx.update(snapshots).set({ deviceKey: survivor.key }).where(eq(snapshots.deviceKey, merged.key)))
          .rowCount ?? 0,
      changes:
        (await tx.update(deviceChanges).set({ deviceKey: survivor.key }).where(eq(deviceChanges.deviceKey, merged.key)))
          .rowCount ?? 0,
    };
    // Findings keep their rows and history; their references follow the device, so the
    // survivor's findings include the merged device's. Blocks on it move too.
    await moveIdRefs(tx, merged.id, survivor.id);
    const survivorLink = await linkOf(tx, survivor.key);
    const mergedLink = await linkOf(tx, merged.key);
    const linkMoved = !survivorLink && mergedLink !== undefined;
    if (linkMoved) {
      await tx
        .update(deviceAssetLinks)
        .set({ deviceKey: survivor.key })
        .where(eq(deviceAssetLinks.deviceKey, merged.key));
    }
    await tx.update(agents).set({ deviceId: survivor.id }).where(eq(agents.deviceId, merged.id));
    await dropClaimsOn(tx, merged.id);
    // An agent of the merged device claiming the survivor has what it claimed.
    await tx
      .update(agents)
      .set({ claimedDeviceId: null, claimKind: null })
      .where(and(eq(agents.deviceId, survivor.id), eq(agents.claimedDeviceId, survivor.id)));
    await tx.delete(devices).where(eq(devices.key, merged.key));
    await tx
      .update(devices)
      .set({ agentId, ...(mergedIsNewer ? { lastSeenAt: merged.lastSeenAt } : {}) })
      .where(eq(devices.key, survivor.key));
    const { change, audits, result } = mergeRecords({
      survivor,
      merged,
      agentId,
      agentIds,
      survivorAgentIds: await agentsOn(tx, survivor.id),
      mergedLink,
      linkMoved,
      moved,
      actor,
      now,
    });
    await tx.insert(deviceChanges).values(changeRow(survivor.key, change, now));
    await writeAudits(tx, audits);
    await matcher.matchDevices(tx, [survivor.key], now);
    return result;
  }

  async function remove(tx: Tx, deviceId: string, actor: string, now: Date): Promise<DeviceDeletion> {
    const device = await load(tx, deviceId);
    await lockDevices(tx, [device.key]);
    const agentIds = await agentsOn(tx, device.id);
    const link = await linkOf(tx, device.key);
    // Unbound, its agents' next reports resolve by hardware alone, finding no device.
    await tx
      .update(agents)
      .set({ deviceId: null, claimedDeviceId: null, claimKind: null })
      .where(eq(agents.deviceId, device.id));
    await dropClaimsOn(tx, device.id);
    const blocksLifted =
      (
        await tx
          .delete(enrolmentBlocks)
          .where(and(eq(enrolmentBlocks.kind, 'device'), eq(enrolmentBlocks.value, device.id)))
      ).rowCount ?? 0;
    const removedSnapshots = await deleteSnapshotsOf(tx, device.key);
    await tx.delete(devices).where(eq(devices.key, device.key));
    const { audit, result } = deletionRecords({
      device,
      agentIds,
      link,
      snapshots: removedSnapshots,
      blocksLifted,
      actor,
      now,
    });
    await writeAudit(tx, audit);
    return result;
  }

  return {
    adopt: (deviceId, agentId, actor, now = new Date()) =>
      locked([deviceId], [agentId], (tx) => adopt(tx, deviceId, agentId, actor, now)),
    merge: (deviceId, mergedId, actor, now = new Date()) =>
      locked([deviceId, mergedId], [], (tx) => merge(tx, deviceId, mergedId, actor, now)),
    delete: (deviceId, actor, now = new Date()) => locked([deviceId], [], (tx) => remove(tx, deviceId, actor, now)),
  };
}
