import { randomUUID } from 'node:crypto';
import type { Hardware, Os, SectionName, Snapshot, SnapshotDelta } from '@stocktake/shared';
import type { AgentKind } from '@stocktake/shared/api';
import { and, count, desc, eq, isNull, min, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { componentsOf } from '../../../domain/inventory/components.ts';
import { snapshotFromDelta } from '../../../domain/inventory/delta-ingest.ts';
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
  type ReportingAgent,
  type ResolutionLookups,
  resolveDevice,
  SERIAL_CANDIDATES,
} from '../../../domain/inventory/device-resolution.ts';
import { EnrolmentBlocked, snapshotIdTaken } from '../../../domain/inventory/errors.ts';
import type { Device, DeviceInventory, IngestOptions, IngestResult } from '../../../domain/inventory/ports.ts';
import { hostnameKey, macKey, serialKey, uuidKey } from '../../../domain/matching/identifiers.ts';
import { isBlocked } from '../agents/enrolment-blocks-repository.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import { type Db, type Executor, sqlStateOf, type Tx, UNIQUE_VIOLATION } from '../connection.ts';
import { createMatcher, type Matcher } from '../matching/matcher.ts';
import { agents, deviceChanges, deviceMacs, devices, snapshots, softwareCatalog } from '../schema/index.ts';
import type { BatchContext, WriteBatcher } from '../write-batcher.ts';
import { foldDevice } from './device-admin.ts';
import { applyComponents, createDeviceSoftware, listComponents } from './device-rows.ts';
import { readSnapshot, sectionsData, storedSnapshot, storeSnapshot } from './snapshot-store.ts';
import { runStatement } from './statements.ts';

/** The part of DeviceInventory built on PostgreSQL so far: ingest and the device's reads. */
export type DeviceIngest = Pick<
  DeviceInventory,
  'ingestSnapshot' | 'ingestDelta' | 'device' | 'software' | 'components' | 'recentChanges'
>;

type DeviceRow = typeof devices.$inferSelect;
type DeviceColumns = Partial<typeof devices.$inferInsert>;

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
type DeviceState = { [K in keyof typeof deviceState]: DeviceRow[K] };

const DUPLICATE = { duplicate: true, softwareAdded: 0, softwareRemoved: 0, changes: 0 } as const;

/** The summary columns a section's data sets; a section without data leaves them as they were. */
function columnsFromSnapshot(snapshot: Snapshot): DeviceColumns {
  const cols: DeviceColumns = {
    hostname: snapshot.identity.hostname,
    hardwareSerial: snapshot.identity.hardwareSerial ?? null,
    hardwareUuid: snapshot.identity.hardwareUuid ?? null,
    macs: snapshot.identity.macs,
    agentVersion: snapshot.agent.version,
    agentKind: snapshot.agent.kind ?? 'stocktake',
    lastCollectedAt: new Date(snapshot.collectedAt),
    lastSnapshotId: snapshot.snapshotId,
  };
  const hw = snapshot.sections.hardware.data;
  if (hw) {
    Object.assign(cols, {
      vendor: hw.system.vendor ?? null,
      model: hw.system.model ?? null,
      chassisType: hw.system.chassisType ?? null,
      cpuModel: hw.cpu?.model ?? null,
      cpuCores: hw.cpu?.cores ?? null,
      cpuThreads: hw.cpu?.threads ?? null,
      memoryBytes: hw.memory?.totalBytes ?? null,
      hardware: hw,
    });
  }
  const os = snapshot.sections.os.data;
  if (os) {
    Object.assign(cols, {
      osFamily: os.family,
      osName: os.name,
      osVersion: os.version ?? null,
      osBuild: os.build ?? null,
      kernel: os.kernel ?? null,
      arch: os.arch ?? null,
      os,
    });
  }
  const patches = snapshot.sections.patches.data;
  if (patches) {
    Object.assign(cols, {
      pendingUpdates: patches.pendingCount ?? null,
      pendingSecurityUpdates: patches.pendingSecurityCount ?? null,
      patches,
    });
  }
  if (snapshot.sections.users.data) cols.users = snapshot.sections.users.data;
  return cols;
}

function deviceOf(row: DeviceRow): Device {
  const {
    key: _key,
    sectionStatus,
    hardware,
    os,
    patches,
    users,
    firstSeenAt,
    lastSeenAt,
    lastCollectedAt,
    ...rest
  } = row;
  return {
    ...rest,
    firstSeenAt: firstSeenAt.toISOString(),
    lastSeenAt: lastSeenAt.toISOString(),
    lastCollectedAt: lastCollectedAt?.toISOString() ?? null,
    sections: sectionStatus,
    hardware: hardware as Device['hardware'],
    os: os as Device['os'],
    patches: patches as Device['patches'],
    users: users as Device['users'],
  };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Another tool's agent whose machine a Stocktake agent took over is revoked, audited: its later
 * reports are refused rather than splitting the machine into a second device.
 */
async function retirePeerAgent(tx: Executor, peerAgentId: string, by: string, now: Date): Promise<void> {
  const retired = await tx
    .update(agents)
    .set({ revokedAt: now, revokedBy: 'system' })
    .where(and(eq(agents.id, peerAgentId), isNull(agents.revokedAt)))
    .returning({ id: agents.id });
  if (retired.length === 0) return;
  await writeAudit(tx, {
    at: now,
    actor: 'system',
    entityType: 'agent',
    entityId: peerAgentId,
    action: 'revoke',
    context: `its machine now reports through Stocktake agent ${by}`,
  });
}

/**
 * Everything device resolution may ask about this snapshot, read up front: the domain's lookups
 * are synchronous, the database is not. The reads follow the domain's own (the agent's device and
 * its open claim, else the devices with the snapshot's serial), and then each device's follower
 * and block; a lookup outside them is a bug here, not a device to invent.
 */
async function resolutionLookups(
  tx: Executor,
  agent: ReportingAgent,
  identity: Snapshot['identity'],
  kind: AgentKind | undefined,
): Promise<ResolutionLookups<DeviceState>> {
  const byId = new Map<string, DeviceState>();
  const load = async (id: string) => {
    const [row] = await tx.select(deviceState).from(devices).where(eq(devices.id, id));
    if (row) byId.set(row.id, row);
    return row;
  };
  const [claimRow] = await tx
    .select({ claimed: agents.claimedDeviceId, kind: agents.claimKind })
    .from(agents)
    .where(eq(agents.id, agent.id));
  const claim = claimRow?.claimed ? { deviceId: claimRow.claimed, kind: claimRow.kind ?? 'claimed_identity' } : null;
  const own = agent.deviceId ? await load(agent.deviceId) : undefined;
  const reports = new Map<string, { since: string; count: number }>();
  let candidates: DeviceState[] = [];
  const serial = serialKey(identity.hardwareSerial);
  const uuid = uuidKey(identity.hardwareUuid);
  let serialIsBlocked = false;
  if (own) {
    if (claim) await load(claim.deviceId);
    const [r] = await tx
      .select({ since: min(snapshots.receivedAt), count: count() })
      .from(snapshots)
      .where(eq(snapshots.deviceKey, own.key));
    reports.set(own.id, { since: (r?.since ?? new Date(0)).toISOString(), count: r?.count ?? 0 });
  } else if (serial) {
    serialIsBlocked = await isBlocked(tx, 'serial', serial);
    candidates = await tx
      .select(deviceState)
      .from(devices)
      .where(and(eq(devices.serialKey, serial), uuid ? eq(devices.uuidKey, uuid) : isNull(devices.uuidKey)))
      .orderBy(devices.key)
      .limit(SERIAL_CANDIDATES);
    for (const c of candidates) byId.set(c.id, c);
  }
  // A Stocktake agent without a serial may be a machine moving from another tool's agent.
  let peerNamed: DeviceState[] = [];
  const name = hostnameKey(identity.hostname);
  if (!own && !serial && name && (kind ?? 'stocktake') === 'stocktake') {
    peerNamed = await tx
      .select(deviceState)
      .from(devices)
      .where(and(eq(devices.hostnameKey, name), ne(devices.agentKind, 'stocktake')))
      .orderBy(devices.key)
      .limit(SERIAL_CANDIDATES);
    for (const d of peerNamed) byId.set(d.id, d);
  }
  const activity = new Map<string, { lastSeenAt: string | null; revokedAt: string | null }>();
  const blocked = new Set<string>();
  for (const d of byId.values()) {
    if (await isBlocked(tx, 'device', d.id)) blocked.add(d.id);
    if (!d.agentId || activity.has(d.agentId)) continue;
    const [a] = await tx
      .select({ lastSeenAt: agents.lastSeenAt, revokedAt: agents.revokedAt })
      .from(agents)
      .where(eq(agents.id, d.agentId));
    if (a) activity.set(d.agentId, { lastSeenAt: iso(a.lastSeenAt), revokedAt: iso(a.revokedAt) });
  }
  const unread = (what: string): never => {
    throw new Error(`device resolution asked for ${what}, which was not read ahead`);
  };
  return {
    deviceById: (id) => byId.get(id),
    devicesWithSerial: (s, u) => (s === serial && u === uuid ? candidates : unread(`serial ${s}`)),
    agentActivity: (id) => activity.get(id),
    claimOf: (id) => (id === agent.id ? claim : unread(`the claim of agent ${id}`)),
    reportsOn: (id) => reports.get(id) ?? unread(`the reports on ${id}`),
    deviceBlocked: (id) => blocked.has(id),
    serialBlocked: (s) => (s === serial ? serialIsBlocked : unread(`the block of serial ${s}`)),
    peerDevicesNamed: (n) => (n === name ? peerNamed : unread(`the devices named ${n}`)),
  };
}

/**
 * The ingest side of DeviceInventory over PostgreSQL. An ingest is one unit of the write
 * batcher's group commit, locked on its agent (and on its serial, for a machine new to this
 * agent) across every instance sharing the database; see write-batcher.ts. The device is matched
 * to the register in the same transaction.
 */
export function createDeviceIngest(db: Db, batcher: WriteBatcher, matcher: Matcher = createMatcher()): DeviceIngest {
  const softwareRows = createDeviceSoftware(db.$client);

  /** A snapshot id is one agent's: a resend is acknowledged again, another agent's use of it refused. */
  async function alreadyStored(client: pg.PoolClient, snapshotId: string, agentId: string) {
    const [seen] = await runStatement<{ deviceId: string; agentId: string }>(client, 'storedSnapshot', [snapshotId]);
    if (!seen) return undefined;
    if (seen.agentId !== agentId) throw snapshotIdTaken();
    return seen.deviceId;
  }

  async function ingestInTransaction(
    tx: Tx,
    batch: BatchContext,
    agent: ReportingAgent,
    snapshot: Snapshot,
    hashes: Partial<Record<SectionName, string>>,
    now: Date,
    options: IngestOptions,
  ): Promise<IngestResult> {
    const seen = await alreadyStored(batch.client, snapshot.snapshotId, agent.id);
    if (seen) return { deviceId: seen, ...DUPLICATE };
    const sizeBytes = options.sizeBytes ?? Buffer.byteLength(JSON.stringify(snapshot));
    const look = await resolutionLookups(tx, agent, snapshot.identity, snapshot.agent.kind);
    const resolved = resolveDevice(agent, snapshot.identity, look, {
      now,
      agentKind: snapshot.agent.kind ?? 'stocktake',
      handover: options.handover ?? DEFAULT_HANDOVER,
    });
    if (resolved.blocked) throw new EnrolmentBlocked(resolved.blocked);
    const { device: existing, replacedAgent } = resolved;
    if (existing && replacedAgent && existing.agentKind !== 'stocktake') {
      await retirePeerAgent(tx, replacedAgent, agent.id, now);
    }
    // The device the agent reported on while its claim was open folds into the one it takes over.
    if (existing && resolved.mergedFrom) await foldDevice(tx, existing.key, resolved.mergedFrom.key);
    const deviceId = existing?.id ?? randomUUID();
    const previous: SectionStates = existing?.sectionStatus ?? {};
    const identity = snapshot.identity;
    const macs = [...new Set(identity.macs.flatMap((m) => macKey(m) ?? []))].sort();
    const user = primaryUser(snapshot.sections.users.data);
    const columns: DeviceColumns = {
      ...columnsFromSnapshot(snapshot),
      sectionStatus: nextSectionStates(snapshot, hashes, previous),
      lastSeenAt: now,
      agentId: agent.id,
      hostnameKey: hostnameKey(identity.hostname) ?? null,
      serialKey: serialKey(identity.hardwareSerial) ?? null,
      uuidKey: uuidKey(identity.hardwareUuid) ?? null,
      ...(user ? { primaryUser: user } : {}),
    };
    const osChanged = sectionChanged(snapshot, hashes, previous, 'os');
    const hwChanged = sectionChanged(snapshot, hashes, previous, 'hardware');
    const [stored] =
      existing && (osChanged || hwChanged)
        ? await tx
            .select({ os: devices.os, hardware: devices.hardware })
            .from(devices)
            .where(eq(devices.key, existing.key))
        : [];
    let deviceKey: number;
    if (existing) {
      deviceKey = existing.key;
      await tx.update(devices).set(columns).where(eq(devices.key, deviceKey));
    } else {
      const [row] = await tx
        .insert(devices)
        .values({
          ...columns,
          id: deviceId,
          hostname: identity.hostname,
          macs: identity.macs,
          firstSeenAt: now,
          lastSeenAt: now,
          sectionStatus: columns.sectionStatus ?? {},
        })
        .returning({ key: devices.key });
      if (!row) throw new Error(`device ${deviceId} was not stored`);
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
      const plan = await softwareRows.apply(tx, deviceKey, software.data, failed, baseline, batch);
      softwareAdded = plan.added.length;
      softwareRemoved = plan.removed.length;
      drafts.push(...plan.drafts);
      await tx.update(devices).set({ softwareCount: plan.total }).where(eq(devices.key, deviceKey));
    }
    const hardware = snapshot.sections.hardware.data;
    if (hardware && hwChanged) {
      const baseline = !existing || isBaseline(previous, 'hardware');
      drafts.push(...(await applyComponents(tx, deviceKey, componentsOf(hardware), now, baseline)));
    }
    if (!existing || !sameList(existing.macs, identity.macs)) {
      await tx.delete(deviceMacs).where(eq(deviceMacs.deviceKey, deviceKey));
      if (macs.length > 0) await tx.insert(deviceMacs).values(macs.map((mac) => ({ deviceKey, mac })));
    }
    if (drafts.length > 0) {
      await tx.insert(deviceChanges).values(
        drafts.map((d) => ({
          deviceKey,
          observedAt: new Date(snapshot.collectedAt),
          recordedAt: now,
          snapshotId: snapshot.snapshotId,
          kind: d.kind,
          subject: d.subject,
          before: d.before ?? null,
          after: d.after ?? null,
          softwareBefore: d.softwareBefore ?? null,
          softwareAfter: d.softwareAfter ?? null,
        })),
      );
    }
    try {
      await tx.transaction((s) =>
        storeSnapshot(s, batch.client, { snapshot, deviceKey, agentId: agent.id, receivedAt: now, hashes, sizeBytes }),
      );
    } catch (err) {
      // Another agent stored this snapshot id meanwhile (its agent lock is not ours): the key says so.
      if (sqlStateOf(err)?.code === UNIQUE_VIOLATION && sqlStateOf(err)?.constraint === 'snapshots_pkey') {
        throw snapshotIdTaken();
      }
      throw err;
    }
    await tx
      .update(agents)
      .set({ lastSeenAt: now, deviceId, version: snapshot.agent.version })
      .where(eq(agents.id, agent.id));
    if (resolved.claims !== undefined) {
      const claimKind = resolved.claims === null ? null : (resolved.claimKind ?? 'claimed_identity');
      await tx.update(agents).set({ claimedDeviceId: resolved.claims, claimKind }).where(eq(agents.id, agent.id));
    }
    await matcher.matchDevices(tx, [deviceKey], now);
    return { deviceId, duplicate: false, softwareAdded, softwareRemoved, changes: drafts.length };
  }

  /** What an ingest must have to itself: its agent, and the machine when it may be new to it. */
  const locksOf = (agent: ReportingAgent, identity?: Snapshot['identity']) => {
    const serial = identity && serialKey(identity.hardwareSerial);
    return [`agent:${agent.id}`, ...(serial ? [`serial:${serial}`] : [])];
  };

  const keyOf = async (id: string) =>
    (await db.select({ key: devices.key }).from(devices).where(eq(devices.id, id)))[0]?.key;

  return {
    ingestSnapshot(agent, snapshot, hashes, options = {}) {
      const now = options.receivedAt ?? new Date();
      return batcher.submit({
        locks: locksOf(agent, snapshot.identity),
        work: (tx, batch) => ingestInTransaction(tx, batch, agent, snapshot, hashes, now, options),
      });
    },

    ingestDelta(agent: ReportingAgent, delta: SnapshotDelta, options: IngestOptions = {}) {
      const now = options.receivedAt ?? new Date();
      return batcher.submit({
        locks: locksOf(agent),
        work: async (tx, batch) => {
          // A resend of a delta already stored is acknowledged again, whatever came after it.
          const seenOn = await alreadyStored(batch.client, delta.snapshotId, agent.id);
          if (seenOn) return { deviceId: seenOn, ...DUPLICATE };
          const [state] = agent.deviceId
            ? await tx.select(deviceState).from(devices).where(eq(devices.id, agent.deviceId))
            : [];
          const base = state && {
            agentId: state.agentId,
            lastSnapshotId: state.lastSnapshotId,
            sectionStates: state.sectionStatus,
          };
          // The data a patched section applies to, read ahead: the domain reads it synchronously.
          const wanted = (Object.keys(delta.sections) as SectionName[]).flatMap((section) => {
            const hash = state?.sectionStatus[section]?.hash;
            return delta.sections[section].change === 'patched' && hash ? [{ section, hash }] : [];
          });
          const data = await sectionsData(tx, wanted);
          const { snapshot, hashes } = snapshotFromDelta(agent.id, delta, base, (name, hash) =>
            data.get(`${name}:${hash}`),
          );
          return ingestInTransaction(tx, batch, agent, snapshot, hashes, now, options);
        },
      });
    },

    async device(id) {
      const [row] = await db.select().from(devices).where(eq(devices.id, id));
      return row && deviceOf(row);
    },

    async software(deviceId) {
      const key = await keyOf(deviceId);
      return key === undefined ? [] : softwareRows.list(db, key);
    },

    async components(deviceId) {
      const key = await keyOf(deviceId);
      return key === undefined ? [] : listComponents(db, key);
    },

    async recentChanges(deviceId, limit) {
      const key = await keyOf(deviceId);
      if (key === undefined) return [];
      const was = alias(softwareCatalog, 'was');
      const now = alias(softwareCatalog, 'now');
      const rows = await db
        .select({
          change: deviceChanges,
          was: { source: was.source, name: was.name, arch: was.arch, version: was.version },
          now: { source: now.source, name: now.name, arch: now.arch, version: now.version },
        })
        .from(deviceChanges)
        .leftJoin(was, eq(was.id, deviceChanges.softwareBefore))
        .leftJoin(now, eq(now.id, deviceChanges.softwareAfter))
        .where(eq(deviceChanges.deviceKey, key))
        .orderBy(desc(deviceChanges.id))
        .limit(limit);
      // A software change holds catalogue ids; the API shows the versions they stand for.
      const version = (v: { source: string; name: string; arch: string; version: string } | null) =>
        v ? { source: v.source, name: v.name, ...(v.arch ? { arch: v.arch } : {}), version: v.version } : null;
      return rows.map(({ change: r, was: before, now: after }) => ({
        id: r.id,
        kind: r.kind,
        subject: r.subject,
        before: r.softwareBefore !== null ? version(before) : r.before,
        after: r.softwareAfter !== null ? version(after) : r.after,
        observedAt: r.observedAt.toISOString(),
        recordedAt: r.recordedAt.toISOString(),
        snapshotId: r.snapshotId,
      }));
    },
  };
}

/** The snapshot archive's reads over PostgreSQL (pruning and thinning are not built yet). */
export function createSnapshotReads(db: Db) {
  return {
    read: (snapshotId: string) => readSnapshot(db, snapshotId),
    deviceOf: async (snapshotId: string) => (await storedSnapshot(db, snapshotId))?.deviceId,
  };
}
