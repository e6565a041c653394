import { randomUUID } from 'node:crypto';
import type { Hardware, Os, SectionName, Snapshot, SoftwareItem } from '@stocktake/shared';
import { and, count, eq, getTableColumns, isNull, min, ne, type SQL, sql } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../../../domain/errors.ts';
import { componentsOf } from '../../../domain/inventory/components.ts';
import {
  deviceFactChanges,
  isBaseline,
  nextSectionStates,
  type SectionStates,
  sectionChanged,
} from '../../../domain/inventory/device-changes.ts';
import { primaryUser, sameList } from '../../../domain/inventory/device-facts.ts';
import {
  DEFAULT_HANDOVER,
  type HandoverRule,
  type ReportingAgent,
  type ResolutionLookups,
  resolveDevice,
  SERIAL_CANDIDATES,
} from '../../../domain/inventory/device-resolution.ts';
import { EnrolmentBlocked, snapshotIdTaken } from '../../../domain/inventory/errors.ts';
import type { DeviceAdoption, DeviceComponent, IngestResult } from '../../../domain/inventory/ports.ts';
import { hostnameKey, macKey, serialKey, uuidKey } from '../../../domain/matching/identifiers.ts';
import { adoptionRecords } from '../../common/device-admin-records.ts';
import type { EnrolmentBlockRows } from '../agents/enrolment-blocks-repository.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Matcher } from '../matching/matcher.ts';
import type { Db } from '../open-database.ts';
import { agents, deviceChanges, deviceMacs, devices, snapshots } from '../schema/index.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { columnsFromSnapshot } from './device-columns.ts';
import { createDeviceComponents } from './device-components.ts';
import { createDeviceSoftware } from './device-software.ts';
import type { SnapshotStore } from './snapshot-store.ts';

export type { DeviceChange, IngestResult } from '../../../domain/inventory/ports.ts';

export type DeviceRow = typeof devices.$inferSelect;
type DeviceColumns = Partial<typeof devices.$inferInsert>;

/**
 * What ingest reads of a device: everything but the sections' data (large JSON), which it
 * reads only for a section whose hash changed.
 */
const deviceState = {
  key: devices.key,
  id: devices.id,
  agentId: devices.agentId,
  agentKind: devices.agentKind,
  serialKey: devices.serialKey,
  hostname: devices.hostname,
  macs: devices.macs,
  primaryUser: devices.primaryUser,
  lastSnapshotId: devices.lastSnapshotId,
  sectionStatus: devices.sectionStatus,
};
export type DeviceState = { [K in keyof typeof deviceState]: DeviceRow[K] };

/** What the devices repository shares with the rest of the engine: the audit log and the enrolment blocks. */
export interface DevicesRepositoryParts {
  audit: AuditLog;
  blocks: EnrolmentBlockRows;
}

export function createDevicesRepository(
  db: Db,
  matcher: Matcher,
  store: SnapshotStore,
  batcher: WriteBatcher,
  parts: DevicesRepositoryParts,
) {
  const softwareRows = createDeviceSoftware(db, batcher);
  const componentRows = createDeviceComponents(db);
  const insertChange = db
    .insert(deviceChanges)
    .values({
      deviceKey: sql.placeholder('deviceKey'),
      observedAt: sql.placeholder('observedAt'),
      recordedAt: sql.placeholder('recordedAt'),
      snapshotId: sql.placeholder('snapshotId'),
      kind: sql.placeholder('kind'),
      subject: sql.placeholder('subject'),
      before: sql.placeholder('before'),
      after: sql.placeholder('after'),
      softwareBefore: sql.placeholder('softwareBefore'),
      softwareAfter: sql.placeholder('softwareAfter'),
    })
    .prepare();

  const storedSnapshot = db
    .select({ deviceId: devices.id, agentId: snapshots.agentId })
    .from(snapshots)
    .innerJoin(devices, eq(devices.key, snapshots.deviceKey))
    .where(eq(snapshots.id, sql.placeholder('snapshotId')))
    .prepare();

  const setClaim = db
    .update(agents)
    .set({
      claimedDeviceId: sql`${sql.placeholder('claimedDeviceId')}`,
      claimKind: sql`${sql.placeholder('claimKind')}`,
    })
    .where(eq(agents.id, sql.placeholder('agentId')))
    .prepare();

  const touchAgent = db
    .update(agents)
    .set({
      lastSeenAt: sql`${sql.placeholder('lastSeenAt')}`,
      deviceId: sql`${sql.placeholder('deviceId')}`,
      version: sql`${sql.placeholder('version')}`,
    })
    .where(eq(agents.id, sql.placeholder('agentId')))
    .prepare();

  // An ingest sets the same few sets of device columns over and over (which depends on which
  // sections came with data): each set's statement is built and compiled once.
  const deviceColumns = getTableColumns(devices);
  const deviceUpdates = new Map<string, { run(values: Record<string, unknown>): unknown }>();
  function updateDevice(deviceKey: number, columns: DeviceColumns): void {
    // An undefined value leaves its column alone, as drizzle's set() does.
    const names = (Object.keys(columns) as (keyof DeviceColumns & string)[])
      .filter((n) => columns[n] !== undefined)
      .sort();
    const id = names.join(',');
    let statement = deviceUpdates.get(id);
    if (!statement) {
      // set() takes SQL here, so JSON columns are serialised below rather than by drizzle.
      const set = Object.fromEntries(names.map((n) => [n, sql`${sql.placeholder(n)}`])) as Record<string, SQL>;
      statement = db
        .update(devices)
        .set(set)
        .where(eq(devices.key, sql.placeholder('deviceKey')))
        .prepare();
      deviceUpdates.set(id, statement);
    }
    const values: Record<string, unknown> = { deviceKey };
    for (const n of names) {
      const v = columns[n];
      values[n] =
        v !== null && v !== undefined && deviceColumns[n].columnType === 'SQLiteTextJson' ? JSON.stringify(v) : v;
    }
    statement.run(values);
  }

  function replaceDeviceMacs(deviceKey: number, macs: string[]): void {
    db.delete(deviceMacs).where(eq(deviceMacs.deviceKey, deviceKey)).run();
    if (macs.length > 0)
      db.insert(deviceMacs)
        .values(macs.map((mac) => ({ deviceKey, mac })))
        .run();
  }

  const stateById = db
    .select(deviceState)
    .from(devices)
    .where(eq(devices.id, sql.placeholder('id')))
    .prepare();

  /** The reads of domain/inventory/device-resolution.ts: which device a snapshot describes. */
  const resolution: ResolutionLookups<DeviceState> = {
    deviceById: (id: string) => stateById.get({ id }),
    devicesWithSerial: (serial: string, uuid: string | undefined) =>
      db
        .select(deviceState)
        .from(devices)
        .where(and(eq(devices.serialKey, serial), uuid ? eq(devices.uuidKey, uuid) : isNull(devices.uuidKey)))
        .orderBy(devices.key)
        .limit(SERIAL_CANDIDATES)
        .all(),
    agentActivity: (agentId: string) =>
      db
        .select({ lastSeenAt: agents.lastSeenAt, revokedAt: agents.revokedAt })
        .from(agents)
        .where(eq(agents.id, agentId))
        .get(),
    claimOf: (agentId: string) => {
      const row = db
        .select({ claimed: agents.claimedDeviceId, kind: agents.claimKind })
        .from(agents)
        .where(eq(agents.id, agentId))
        .get();
      return row?.claimed ? { deviceId: row.claimed, kind: row.kind ?? 'claimed_identity' } : null;
    },
    reportsOn: (deviceId: string) => {
      const row = db
        .select({ since: min(snapshots.receivedAt), count: count() })
        .from(snapshots)
        .innerJoin(devices, eq(devices.key, snapshots.deviceKey))
        .where(eq(devices.id, deviceId))
        .get();
      return { since: row?.since ?? new Date(0).toISOString(), count: row?.count ?? 0 };
    },
    deviceBlocked: (deviceId: string) => parts.blocks.has('device', deviceId),
    serialBlocked: (serial: string) => parts.blocks.has('serial', serial),
    peerDevicesNamed: (name: string) =>
      db
        .select(deviceState)
        .from(devices)
        .where(and(eq(devices.hostnameKey, name), ne(devices.agentKind, 'stocktake')))
        .orderBy(devices.key)
        .limit(SERIAL_CANDIDATES)
        .all(),
  };

  /**
   * Folds the device an agent reported on while its claim was open into the device it now
   * takes over: the snapshots it sent move along (so their ids stay known, and resends are
   * acknowledged), and the rest of that device (its software, parts, history, link) goes
   * with it. Identifiers it shared with the claimed device then name one device again.
   */
  function mergeInto(targetKey: number, merged: { key: number }): void {
    db.update(snapshots).set({ deviceKey: targetKey }).where(eq(snapshots.deviceKey, merged.key)).run();
    db.delete(devices).where(eq(devices.key, merged.key)).run();
  }

  /**
   * Another tool's agent whose machine a Stocktake agent took over is revoked, audited: its later
   * reports are refused rather than splitting the machine into a second device.
   */
  function retirePeerAgent(peerAgentId: string, by: string, now: Date): void {
    const result = db
      .update(agents)
      .set({ revokedAt: now.toISOString(), revokedBy: 'system' })
      .where(and(eq(agents.id, peerAgentId), isNull(agents.revokedAt)))
      .run();
    if (result.changes === 0) return;
    parts.audit.write({
      at: now,
      actor: 'system',
      entityType: 'agent',
      entityId: peerAgentId,
      action: 'revoke',
      context: `its machine now reports through Stocktake agent ${by}`,
    });
  }

  /** A snapshot id is one agent's: a resend is acknowledged again, another agent's use of it refused. */
  function alreadyStored(snapshotId: string, agentId: string): string | undefined {
    const seen = storedSnapshot.get({ snapshotId });
    if (!seen) return undefined;
    if (seen.agentId !== agentId) throw snapshotIdTaken();
    return seen.deviceId;
  }

  function ingestInTransaction(
    agent: ReportingAgent,
    snapshot: Snapshot,
    hashes: Partial<Record<SectionName, string>>,
    now: Date,
    sizeBytes: number,
    handover: HandoverRule,
  ): IngestResult {
    const seen = alreadyStored(snapshot.snapshotId, agent.id);
    if (seen) return { deviceId: seen, duplicate: true, softwareAdded: 0, softwareRemoved: 0, changes: 0 };

    const nowIso = now.toISOString();
    const resolved = resolveDevice(agent, snapshot.identity, resolution, {
      now,
      handover,
      agentKind: snapshot.agent.kind ?? 'stocktake',
    });
    if (resolved.blocked) throw new EnrolmentBlocked(resolved.blocked);
    const { device: existing, replacedAgent } = resolved;
    if (existing && resolved.mergedFrom) mergeInto(existing.key, resolved.mergedFrom);
    if (existing && replacedAgent && existing.agentKind !== 'stocktake') retirePeerAgent(replacedAgent, agent.id, now);
    const deviceId = existing?.id ?? randomUUID();
    const previous: SectionStates = existing?.sectionStatus ?? {};
    const identity = snapshot.identity;
    const macs = [...new Set(identity.macs.flatMap((m) => macKey(m) ?? []))].sort();
    const user = primaryUser(snapshot.sections.users.data);
    const columns = {
      ...columnsFromSnapshot(snapshot),
      sectionStatus: nextSectionStates(snapshot, hashes, previous),
      lastSeenAt: nowIso,
      agentId: agent.id,
      hostnameKey: hostnameKey(identity.hostname) ?? null,
      serialKey: serialKey(identity.hardwareSerial) ?? null,
      uuidKey: uuidKey(identity.hardwareUuid) ?? null,
      ...(user ? { primaryUser: user } : {}),
    };
    // The sections' data as stored before this snapshot, read only where a hash changed.
    const osChanged = sectionChanged(snapshot, hashes, previous, 'os');
    const hwChanged = sectionChanged(snapshot, hashes, previous, 'hardware');
    const stored =
      existing && (osChanged || hwChanged)
        ? db
            .select({ os: devices.os, hardware: devices.hardware })
            .from(devices)
            .where(eq(devices.key, existing.key))
            .get()
        : undefined;
    let deviceKey: number;
    if (existing) {
      deviceKey = existing.key;
      updateDevice(deviceKey, columns);
    } else {
      const row = db
        .insert(devices)
        .values({ ...columns, id: deviceId, hostname: identity.hostname, macs: identity.macs, firstSeenAt: nowIso })
        .returning({ key: devices.key })
        .get();
      deviceKey = row.key;
    }

    const drafts = deviceFactChanges({
      previous: existing && {
        hostname: existing.hostname,
        primaryUser: existing.primaryUser,
        ...(osChanged && stored?.os ? { os: stored.os as Os } : {}),
        ...(hwChanged && stored?.hardware ? { hardware: stored.hardware as Hardware } : {}),
      },
      snapshot,
      agentId: agent.id,
      replacedAgent,
    });

    let softwareAdded = 0;
    let softwareRemoved = 0;
    const software = snapshot.sections.software;
    if (software.data && sectionChanged(snapshot, hashes, previous, 'software')) {
      const failed = new Set(software.status === 'partial' ? (software.failedSources ?? []) : []);
      const baseline = !existing || isBaseline(previous, 'software');
      const result = softwareRows.apply(deviceKey, software.data, failed, baseline);
      softwareAdded = result.added.length;
      softwareRemoved = result.removed.length;
      drafts.push(...result.drafts);
      updateDevice(deviceKey, { softwareCount: result.total });
    }
    const hardware = snapshot.sections.hardware.data;
    if (hardware && hwChanged) {
      const baseline = !existing || isBaseline(previous, 'hardware');
      drafts.push(...componentRows.apply(deviceKey, componentsOf(hardware), nowIso, baseline));
    }
    if (!existing || !sameList(existing.macs, identity.macs)) replaceDeviceMacs(deviceKey, macs);

    for (const d of drafts) {
      insertChange.run({
        deviceKey,
        observedAt: snapshot.collectedAt,
        recordedAt: nowIso,
        snapshotId: snapshot.snapshotId,
        kind: d.kind,
        subject: d.subject,
        // The column is JSON: drizzle serialises the placeholder's value itself.
        before: d.before ?? null,
        after: d.after ?? null,
        softwareBefore: d.softwareBefore ?? null,
        softwareAfter: d.softwareAfter ?? null,
      });
    }

    store.store({ snapshot, deviceKey, agentId: agent.id, receivedAt: nowIso, hashes, sizeBytes });
    touchAgent.run({ lastSeenAt: nowIso, deviceId, version: snapshot.agent.version, agentId: agent.id });
    if (resolved.claims !== undefined) {
      const claimKind = resolved.claims === null ? null : (resolved.claimKind ?? 'claimed_identity');
      setClaim.run({ claimedDeviceId: resolved.claims, claimKind, agentId: agent.id });
    }
    matcher.matchDevice(deviceKey, now);
    return { deviceId, duplicate: false, softwareAdded, softwareRemoved, changes: drafts.length };
  }

  function keyOf(id: string): number | undefined {
    return db.select({ key: devices.key }).from(devices).where(eq(devices.id, id)).get()?.key;
  }

  return {
    keyOf,

    /**
     * Stores a validated snapshot in one transaction: the device, its software and components,
     * the changes since the last snapshot, the raw snapshot, and its link to the register.
     * Either all of it lands or none. A snapshot id already stored is acknowledged again
     * without writing anything.
     */
    ingest(
      agent: ReportingAgent,
      snapshot: Snapshot,
      hashes: Partial<Record<SectionName, string>>,
      now = new Date(),
      options: { sizeBytes?: number; handover?: HandoverRule } = {},
    ): IngestResult {
      const sizeBytes = options.sizeBytes ?? Buffer.byteLength(JSON.stringify(snapshot));
      const handover = options.handover ?? DEFAULT_HANDOVER;
      try {
        // Inside a write batch this is a savepoint; the ids are cached when the batch commits.
        const result = db.transaction(() => ingestInTransaction(agent, snapshot, hashes, now, sizeBytes, handover));
        softwareRows.cacheOnCommit();
        return result;
      } finally {
        softwareRows.dropPending();
      }
    },

    /** A device's identity and the state of its sections, without their data. */
    state(id: string): DeviceState | undefined {
      return stateById.get({ id });
    },

    /** The id of the device a stored snapshot belongs to; undefined when the snapshot is not stored. */
    deviceOfSnapshot(snapshotId: string): string | undefined {
      return storedSnapshot.get({ snapshotId })?.deviceId;
    },

    /**
     * The device this agent already stored a snapshot with this id on (a resend); undefined when
     * the id is new. Throws a ConflictError when another agent used the id, naming no device.
     */
    deviceOfResend(snapshotId: string, agentId: string): string | undefined {
      return alreadyStored(snapshotId, agentId);
    },

    /** See DeviceInventory.adopt; runs inside the caller's write batch. */
    adopt(deviceId: string, agentId: string, actor: string, now: Date): DeviceAdoption {
      return db.transaction(() => {
        const device = stateById.get({ id: deviceId });
        if (!device) throw new NotFoundError(`No device ${deviceId}`);
        const agent = db
          .select({ id: agents.id, deviceId: agents.deviceId, revokedAt: agents.revokedAt })
          .from(agents)
          .where(eq(agents.id, agentId))
          .get();
        if (!agent || agent.revokedAt) throw new NotFoundError(`No live agent ${agentId}`);
        if (device.agentId === agentId) {
          throw new ConflictError(`Device ${deviceId} already follows agent ${agentId}`, 'agentId');
        }
        const interim =
          agent.deviceId && agent.deviceId !== deviceId ? stateById.get({ id: agent.deviceId }) : undefined;
        // Only a device the agent itself follows is folded in; one taken over since stays.
        const merged = interim && interim.agentId === agentId ? interim : undefined;
        if (merged) mergeInto(device.key, merged);
        updateDevice(device.key, { agentId });
        db.update(agents).set({ deviceId, claimedDeviceId: null, claimKind: null }).where(eq(agents.id, agentId)).run();
        const nowIso = now.toISOString();
        const { change, audit } = adoptionRecords(device, agentId, merged?.id, actor, now);
        insertChange.run({
          deviceKey: device.key,
          observedAt: nowIso,
          recordedAt: nowIso,
          ...change,
          softwareBefore: null,
          softwareAfter: null,
        });
        parts.audit.write(audit);
        matcher.matchDevice(device.key, now);
        return { deviceId, agentId, replacedAgentId: device.agentId, mergedDeviceId: merged?.id ?? null };
      });
    },

    get(id: string): DeviceRow | undefined {
      return db.select().from(devices).where(eq(devices.id, id)).get();
    },

    software(deviceKey: number): SoftwareItem[] {
      return softwareRows.list(deviceKey);
    },

    components(deviceKey: number): DeviceComponent[] {
      return componentRows.list(deviceKey);
    },
  };
}

export type DevicesRepository = ReturnType<typeof createDevicesRepository>;
