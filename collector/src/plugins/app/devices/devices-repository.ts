import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SECTION_NAMES, type SectionName, type Snapshot, type SoftwareItem } from '@stocktake/shared';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../../db/open-database.ts';
import {
  agents,
  deviceSoftware,
  devices,
  type SectionState,
  snapshots,
  softwareCatalog,
} from '../../../db/schema/index.ts';
import type { AgentRow } from '../agents/agents-repository.ts';
import { columnsFromSnapshot } from './device-columns.ts';

export interface IngestResult {
  deviceId: string;
  duplicate: boolean;
  softwareAdded: number;
  softwareRemoved: number;
}

export interface DeviceListQuery {
  limit: number;
  cursor?: string;
}

export type DeviceRow = typeof devices.$inferSelect;

export interface DeviceSummary {
  id: string;
  hostname: string;
  hardwareSerial: string | null;
  vendor: string | null;
  model: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  cpuModel: string | null;
  cpuCores: number | null;
  memoryBytes: number | null;
  softwareCount: number;
  pendingUpdates: number | null;
  pendingSecurityUpdates: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

interface CursorKey {
  hostname: string;
  id: string;
}

function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.hostname, key.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { hostname: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: an undecodable cursor is the caller's error, reported by the route
  }
  return undefined;
}

const summaryColumns = {
  id: devices.id,
  hostname: devices.hostname,
  hardwareSerial: devices.hardwareSerial,
  vendor: devices.vendor,
  model: devices.model,
  osFamily: devices.osFamily,
  osName: devices.osName,
  osVersion: devices.osVersion,
  cpuModel: devices.cpuModel,
  cpuCores: devices.cpuCores,
  memoryBytes: devices.memoryBytes,
  softwareCount: devices.softwareCount,
  pendingUpdates: devices.pendingUpdates,
  pendingSecurityUpdates: devices.pendingSecurityUpdates,
  firstSeenAt: devices.firstSeenAt,
  lastSeenAt: devices.lastSeenAt,
};

export function createDevicesRepository(db: Db) {
  const findCatalogId = db
    .select({ id: softwareCatalog.id })
    .from(softwareCatalog)
    .where(
      and(
        eq(softwareCatalog.source, sql.placeholder('source')),
        eq(softwareCatalog.name, sql.placeholder('name')),
        eq(softwareCatalog.version, sql.placeholder('version')),
        eq(softwareCatalog.arch, sql.placeholder('arch')),
      ),
    )
    .prepare();

  const insertCatalog = db
    .insert(softwareCatalog)
    .values({
      source: sql.placeholder('source'),
      name: sql.placeholder('name'),
      version: sql.placeholder('version'),
      arch: sql.placeholder('arch'),
      publisher: sql.placeholder('publisher'),
    })
    .returning({ id: softwareCatalog.id })
    .prepare();

  const currentSoftware = db
    .select({
      softwareId: deviceSoftware.softwareId,
      source: softwareCatalog.source,
      installDate: deviceSoftware.installDate,
      installLocation: deviceSoftware.installLocation,
    })
    .from(deviceSoftware)
    .innerJoin(softwareCatalog, eq(softwareCatalog.id, deviceSoftware.softwareId))
    .where(eq(deviceSoftware.deviceId, sql.placeholder('deviceId')))
    .prepare();

  function catalogId(item: SoftwareItem): number {
    const key = { source: item.source, name: item.name, version: item.version, arch: item.arch ?? '' };
    const found = findCatalogId.get(key);
    if (found) return found.id;
    const inserted = insertCatalog.get({ ...key, publisher: item.publisher ?? null });
    if (!inserted) throw new Error('software catalogue insert returned no id');
    return inserted.id;
  }

  /**
   * Brings the device's software rows in line with the snapshot, touching only rows that
   * changed. Items of sources that failed this time are kept as they were.
   */
  function applySoftware(deviceId: string, items: SoftwareItem[], failedSources: ReadonlySet<string>) {
    const current = new Map(currentSoftware.all({ deviceId }).map((row) => [row.softwareId, row]));
    const wanted = new Map<number, SoftwareItem>();
    for (const item of items) wanted.set(catalogId(item), item);
    let added = 0;
    let removed = 0;
    for (const [softwareId, item] of wanted) {
      const installDate = item.installDate ?? null;
      const installLocation = item.installLocation ?? null;
      const existing = current.get(softwareId);
      if (!existing) {
        db.insert(deviceSoftware).values({ deviceId, softwareId, installDate, installLocation }).run();
        added++;
      } else if (existing.installDate !== installDate || existing.installLocation !== installLocation) {
        db.update(deviceSoftware)
          .set({ installDate, installLocation })
          .where(and(eq(deviceSoftware.deviceId, deviceId), eq(deviceSoftware.softwareId, softwareId)))
          .run();
      }
    }
    for (const [softwareId, row] of current) {
      if (wanted.has(softwareId) || failedSources.has(row.source)) continue;
      db.delete(deviceSoftware)
        .where(and(eq(deviceSoftware.deviceId, deviceId), eq(deviceSoftware.softwareId, softwareId)))
        .run();
      removed++;
    }
    const total = db
      .select({ n: sql<number>`count(*)` })
      .from(deviceSoftware)
      .where(eq(deviceSoftware.deviceId, deviceId))
      .get();
    return { added, removed, total: total?.n ?? 0 };
  }

  /** Which device an agent's snapshot describes: its own, or one with the same firmware identity. */
  function resolveDevice(agent: AgentRow, snapshot: Snapshot): DeviceRow | undefined {
    if (agent.deviceId) {
      const own = db.select().from(devices).where(eq(devices.id, agent.deviceId)).get();
      if (own) return own;
    }
    const { hardwareSerial, hardwareUuid } = snapshot.identity;
    // Only both together: cloned VMs share UUIDs and cheap boards share serials.
    if (hardwareSerial && hardwareUuid) {
      return db
        .select()
        .from(devices)
        .where(and(eq(devices.hardwareSerial, hardwareSerial), eq(devices.hardwareUuid, hardwareUuid)))
        .get();
    }
    return undefined;
  }

  return {
    /**
     * Stores a validated snapshot in one transaction: either all of it lands or none.
     * A snapshot id already stored is acknowledged again without writing anything.
     */
    ingest(
      agent: AgentRow,
      snapshot: Snapshot,
      hashes: Partial<Record<SectionName, string>>,
      now = new Date(),
    ): IngestResult {
      return db.transaction((tx) => {
        const seen = tx
          .select({ deviceId: snapshots.deviceId })
          .from(snapshots)
          .where(eq(snapshots.id, snapshot.snapshotId))
          .get();
        if (seen) return { deviceId: seen.deviceId, duplicate: true, softwareAdded: 0, softwareRemoved: 0 };

        const nowIso = now.toISOString();
        const existing = resolveDevice(agent, snapshot);
        const deviceId = existing?.id ?? randomUUID();
        const previous: Record<string, SectionState> = existing?.sectionStatus ?? {};
        const sectionStatus: Record<string, SectionState> = {};
        for (const name of SECTION_NAMES) {
          const s = snapshot.sections[name];
          const hash = hashes[name] ?? previous[name]?.hash;
          sectionStatus[name] = {
            status: s.status,
            collectedAt: s.collectedAt,
            ...(s.reason ? { reason: s.reason } : {}),
            ...(hash ? { hash } : {}),
          };
        }
        const columns = { ...columnsFromSnapshot(snapshot), sectionStatus, lastSeenAt: nowIso };
        if (existing) {
          tx.update(devices).set(columns).where(eq(devices.id, deviceId)).run();
        } else {
          tx.insert(devices)
            .values({
              ...columns,
              id: deviceId,
              hostname: snapshot.identity.hostname,
              macs: snapshot.identity.macs,
              firstSeenAt: nowIso,
            })
            .run();
        }

        let softwareAdded = 0;
        let softwareRemoved = 0;
        const software = snapshot.sections.software;
        if (software.data && hashes.software !== previous.software?.hash) {
          const failed = new Set(software.status === 'partial' ? (software.failedSources ?? []) : []);
          const result = applySoftware(deviceId, software.data, failed);
          softwareAdded = result.added;
          softwareRemoved = result.removed;
          tx.update(devices).set({ softwareCount: result.total }).where(eq(devices.id, deviceId)).run();
        }

        const body = Buffer.from(JSON.stringify(snapshot));
        tx.insert(snapshots)
          .values({
            id: snapshot.snapshotId,
            deviceId,
            agentId: agent.id,
            collectedAt: snapshot.collectedAt,
            receivedAt: nowIso,
            sizeBytes: body.length,
            body: gzipSync(body),
          })
          .run();
        tx.update(agents)
          .set({ lastSeenAt: nowIso, deviceId, version: snapshot.agent.version })
          .where(eq(agents.id, agent.id))
          .run();
        return { deviceId, duplicate: false, softwareAdded, softwareRemoved };
      });
    },

    list(query: DeviceListQuery): { items: DeviceSummary[]; nextCursor: string | null } {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = db
        .select(summaryColumns)
        .from(devices)
        .where(
          after
            ? or(
                gt(devices.hostname, after.hostname),
                and(eq(devices.hostname, after.hostname), gt(devices.id, after.id)),
              )
            : undefined,
        )
        .orderBy(asc(devices.hostname), asc(devices.id))
        .limit(query.limit + 1)
        .all();
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
    },

    get(id: string): DeviceRow | undefined {
      return db.select().from(devices).where(eq(devices.id, id)).get();
    },

    software(deviceId: string): SoftwareItem[] {
      const rows = db
        .select({
          name: softwareCatalog.name,
          version: softwareCatalog.version,
          publisher: softwareCatalog.publisher,
          arch: softwareCatalog.arch,
          source: softwareCatalog.source,
          installDate: deviceSoftware.installDate,
          installLocation: deviceSoftware.installLocation,
        })
        .from(deviceSoftware)
        .innerJoin(softwareCatalog, eq(softwareCatalog.id, deviceSoftware.softwareId))
        .where(eq(deviceSoftware.deviceId, deviceId))
        .orderBy(asc(softwareCatalog.source), asc(softwareCatalog.name), asc(softwareCatalog.arch))
        .all();
      return rows.map((r) => {
        const item: SoftwareItem = { name: r.name, version: r.version, source: r.source as SoftwareItem['source'] };
        if (r.publisher) item.publisher = r.publisher;
        if (r.arch) item.arch = r.arch;
        if (r.installDate) item.installDate = r.installDate;
        if (r.installLocation) item.installLocation = r.installLocation;
        return item;
      });
    },
  };
}

export type DevicesRepository = ReturnType<typeof createDevicesRepository>;

declare module 'fastify' {
  interface FastifyInstance {
    devicesRepository: DevicesRepository;
  }
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorate('devicesRepository', createDevicesRepository(app.db));
  },
  { name: 'devices-repository', dependencies: ['db'] },
);
