import type { DeviceDeletion, DeviceMerge, LinkMethod } from '@stocktake/shared/api';
import type { AuditEntry } from '../../domain/audit/ports.ts';

/** What an adoption, a merge or a delete reads of a device, by column name in every engine's schema. */
export const ADMIN_VIEW_KEYS = [
  'key',
  'id',
  'agentId',
  'hostname',
  'hardwareSerial',
  'lastSeenAt',
  'lastSnapshotId',
] as const;

/** A device as an admin's action reads it; its last sighting as the engine keeps instants. */
export interface AdminView<At extends string | Date = string | Date> {
  key: number;
  id: string;
  agentId: string | null;
  hostname: string;
  hardwareSerial: string | null;
  lastSeenAt: At;
  lastSnapshotId: string | null;
}

/** A line of a device's change history an admin's action writes, in any engine's terms but the instants. */
export interface AdminChange {
  kind: 'agent_replaced' | 'device_merged';
  subject: string;
  /** A change line names a snapshot: the device's latest, the state the person decided on. */
  snapshotId: string;
  before: unknown;
  after: unknown;
}

const millisOf = (at: string | Date) => new Date(at).getTime();
const isoOf = (at: string | Date) => new Date(at).toISOString();

/** An adoption's change line and audit entry: the device follows `agentId` from now on. */
export function adoptionRecords(
  device: Pick<AdminView, 'id' | 'agentId' | 'lastSnapshotId'>,
  agentId: string,
  mergedId: string | undefined,
  actor: string,
  now: Date,
) {
  const change: AdminChange = {
    kind: 'agent_replaced',
    subject: 'agent',
    snapshotId: device.lastSnapshotId ?? '',
    before: device.agentId,
    after: agentId,
  };
  const audit: AuditEntry = {
    at: now,
    actor,
    entityType: 'device',
    entityId: device.id,
    action: 'adopt',
    before: { agentId: device.agentId },
    after: { agentId },
    ...(mergedId ? { context: `merged device ${mergedId}` } : {}),
  };
  return { change, audit };
}

/**
 * The agent a merge's survivor follows: the one that reported last goes on reporting there;
 * another one still alive is split off again by the identity policy, since two installations
 * are never one device.
 */
export function survivingAgent<At extends string | Date>(survivor: AdminView<At>, merged: AdminView<At>) {
  const mergedIsNewer = millisOf(merged.lastSeenAt) > millisOf(survivor.lastSeenAt);
  const agentId = mergedIsNewer ? (merged.agentId ?? survivor.agentId) : (survivor.agentId ?? merged.agentId);
  return { agentId, mergedIsNewer };
}

/** What a merge did, as written: the survivor's change line, the audit entry on each device, the answer. */
export function mergeRecords(input: {
  survivor: AdminView;
  merged: AdminView;
  agentId: string | null;
  /** The agents of the merged device before, and of the survivor after. */
  agentIds: string[];
  survivorAgentIds: string[];
  mergedLink: { assetId: string | null; method: LinkMethod } | undefined;
  linkMoved: boolean;
  moved: { snapshots: number; changes: number };
  actor: string;
  now: Date;
}) {
  const { survivor, merged, agentId, agentIds, mergedLink, linkMoved, moved, actor, now } = input;
  const change: AdminChange = {
    kind: 'device_merged',
    subject: 'device',
    snapshotId: survivor.lastSnapshotId ?? merged.lastSnapshotId ?? '',
    before: { deviceId: merged.id, hostname: merged.hostname, agentId: merged.agentId },
    after: { deviceId: survivor.id, agentId },
  };
  const before = {
    agentId: survivor.agentId,
    merged: {
      deviceId: merged.id,
      hostname: merged.hostname,
      serial: merged.hardwareSerial,
      agentId: merged.agentId,
      agentIds,
      link: mergedLink ?? null,
    },
  };
  const after = { agentId, agentIds: input.survivorAgentIds, linkMoved, ...moved };
  const entry = { at: now, actor, entityType: 'device', action: 'merge', before, after } as const;
  const audits: AuditEntry[] = [
    { ...entry, entityId: survivor.id, context: `merged device ${merged.id} into it` },
    { ...entry, entityId: merged.id, context: `merged into device ${survivor.id}` },
  ];
  const result: DeviceMerge = {
    deviceId: survivor.id,
    mergedDeviceId: merged.id,
    agentId,
    agentIds,
    ...moved,
    linkMoved,
  };
  return { change, audits, result };
}

/** What a delete did, as audited (the entry stays after the device is gone) and answered. */
export function deletionRecords(input: {
  device: AdminView;
  agentIds: string[];
  link: { assetId: string | null; method: LinkMethod } | undefined;
  snapshots: number;
  blocksLifted: number;
  actor: string;
  now: Date;
}) {
  const { device, agentIds, link, snapshots, blocksLifted, actor, now } = input;
  const audit: AuditEntry = {
    at: now,
    actor,
    entityType: 'device',
    entityId: device.id,
    action: 'delete',
    before: {
      hostname: device.hostname,
      serial: device.hardwareSerial,
      agentId: device.agentId,
      agentIds,
      lastSeenAt: isoOf(device.lastSeenAt),
      link: link ?? null,
    },
    after: null,
    context: `${snapshots} snapshots deleted; ${blocksLifted} enrolment blocks lifted`,
  };
  const result: DeviceDeletion = {
    deviceId: device.id,
    hostname: device.hostname,
    agentIds,
    snapshots,
    unlinkedAssetId: link?.assetId ?? null,
    blocksLifted,
  };
  return { audit, result };
}
