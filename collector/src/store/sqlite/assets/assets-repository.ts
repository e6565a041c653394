import { and, asc, desc, eq, gt, or, sql } from 'drizzle-orm';
import type { AuditEntry } from '../../../domain/audit/ports.ts';
import { ConflictError, NotFoundError } from '../../../domain/errors.ts';
import type { Asset, AssetFields } from '../../../domain/register/asset-model.ts';
import type {
  AssetDetail,
  AssetRegister,
  AssetWrite,
  DisposalRecord,
  RemovedAsset,
  StatusEvent,
} from '../../../domain/register/ports.ts';
import {
  disposalFromRow,
  disposalValues,
  statusEventColumns,
  statusEventFromRow,
  statusEventValues,
} from '../../common/asset-rows.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Conflicts } from '../matching/conflicts.ts';
import type { Matcher } from '../matching/matcher.ts';
import type { Db } from '../open-database.ts';
import { assetDisposals, assetStatusEvents, assets, deviceAssetLinks, devices } from '../schema/index.ts';
import { assetFromRow, assetWriteStatements, columnsFor, macsReader } from './asset-rows.ts';

const BATCH = 1000;

/**
 * The asset register on SQLite. Reads and writes are synchronous underneath; a batch of writes
 * lands in one transaction together with its status events, disposal records and audit entries.
 */
export function createAssetsRepository(db: Db, audit: AuditLog, matcher: Matcher, conflicts: Conflicts) {
  // The lookups an import makes for every row, built once: building a query costs more than
  // running it.
  const macsOf = macsReader(db);
  const writes = assetWriteStatements(db);
  const rowById = db
    .select()
    .from(assets)
    .where(eq(assets.id, sql.placeholder('id')))
    .prepare();
  const rowByTag = db
    .select()
    .from(assets)
    .where(eq(assets.assetTag, sql.placeholder('tag')))
    .prepare();
  const updatedAtById = db
    .select({ updatedAt: assets.updatedAt })
    .from(assets)
    .where(eq(assets.id, sql.placeholder('id')))
    .prepare();

  function get(id: string): Asset | undefined {
    const row = rowById.get({ id });
    return row ? assetFromRow(row, macsOf(id)) : undefined;
  }

  function getByTag(tag: string): Asset | undefined {
    const row = rowByTag.get({ tag });
    return row ? assetFromRow(row, macsOf(row.id)) : undefined;
  }

  function statusEvents(assetId: string): StatusEvent[] {
    return db
      .select(statusEventColumns(assetStatusEvents, assetDisposals))
      .from(assetStatusEvents)
      .leftJoin(assetDisposals, eq(assetDisposals.statusEventId, assetStatusEvents.id))
      .where(eq(assetStatusEvents.assetId, assetId))
      .orderBy(asc(assetStatusEvents.id))
      .all()
      .map(statusEventFromRow);
  }

  function latestDisposal(assetId: string): DisposalRecord | undefined {
    const row = db
      .select()
      .from(assetDisposals)
      .where(eq(assetDisposals.assetId, assetId))
      .orderBy(desc(assetDisposals.id))
      .limit(1)
      .get();
    return row ? disposalFromRow(row) : undefined;
  }

  /** Refuses a write planned on an asset that has changed since, or a tag another asset holds. */
  function checkStillValid(w: AssetWrite): void {
    const { plan } = w;
    if (plan.kind === 'update') {
      const stored = updatedAtById.get({ id: w.id });
      if (!stored) throw new NotFoundError(`No asset ${w.id}`);
      if (stored.updatedAt !== plan.before?.updatedAt) {
        throw new ConflictError(`Asset ${w.id} changed while the change was being made; try again`, 'updatedAt');
      }
    }
    const holder = rowByTag.get({ tag: plan.next.assetTag });
    if (holder && holder.id !== w.id) {
      throw new ConflictError(`Asset tag ${plan.next.assetTag} is already asset ${holder.id}`, 'assetTag');
    }
  }

  function writeFields(w: AssetWrite, at: string): void {
    const { plan } = w;
    if (plan.kind === 'create') {
      const { macs, ...rest } = plan.next;
      writes.insertAsset({
        ...columnsFor(rest),
        id: w.id,
        assetTag: plan.next.assetTag,
        status: plan.next.status,
        lockedFields: JSON.stringify(plan.lockedAfter),
        createdAt: at,
        updatedAt: at,
      });
      writes.replaceMacs(w.id, macs);
      return;
    }
    const changed: Partial<AssetFields> = {};
    for (const c of plan.changes) (changed as Record<string, unknown>)[c.field] = c.to;
    const { macs, ...columns } = changed;
    writes.updateAsset(w.id, { ...columnsFor(columns), lockedFields: JSON.stringify(plan.lockedAfter), updatedAt: at });
    if (macs) writes.replaceMacs(w.id, macs);
  }

  function writeStatusEvent(w: AssetWrite, at: string): void {
    const status = w.plan.status;
    if (!status) return;
    const event = writes.insertStatusEvent({
      ...statusEventValues(w, status),
      at,
      correction: status.correction ? 1 : 0,
    });
    const d = status.disposal;
    if (!d) return;
    db.insert(assetDisposals)
      .values(disposalValues(w.id, event.id, d))
      .run();
  }

  function apply(w: AssetWrite): void {
    const at = w.at.toISOString();
    writeFields(w, at);
    writeStatusEvent(w, at);
    audit.write(w.audit);
    if (w.matchDevices) matcher.matchDevicesForAsset(w.id, w.at);
  }

  function storedAfter(w: AssetWrite): Asset {
    const stored = get(w.id);
    if (!stored) throw new Error(`asset ${w.id} vanished while being written`);
    return stored;
  }

  // Every write is checked against the state it was planned on, before any of them lands:
  // what an earlier write of the batch changes (matching fills an asset) is not a conflict.
  function checkBatch(writes: readonly AssetWrite[]): void {
    const tags = new Map<string, string>();
    for (const w of writes) {
      checkStillValid(w);
      const other = tags.get(w.plan.next.assetTag);
      if (other !== undefined && other !== w.id) {
        throw new ConflictError(`Asset tag ${w.plan.next.assetTag} is written twice`, 'assetTag');
      }
      tags.set(w.plan.next.assetTag, w.id);
    }
  }

  function remove(id: string, auditOf: (removed: RemovedAsset) => AuditEntry[]): void {
    db.transaction(() => {
      const existing = get(id);
      if (!existing) throw new NotFoundError(`No asset ${id}`);
      const linked = db
        .select({ key: deviceAssetLinks.deviceKey, deviceId: devices.id, method: deviceAssetLinks.method })
        .from(deviceAssetLinks)
        .innerJoin(devices, eq(devices.key, deviceAssetLinks.deviceKey))
        .where(eq(deviceAssetLinks.assetId, id))
        .all();
      const entries = auditOf({
        asset: existing,
        statusEvents: statusEvents(id),
        links: linked.map((l) => ({ deviceId: l.deviceId, method: l.method })),
      });
      for (const e of entries) audit.write(e);
      db.delete(assets).where(eq(assets.id, id)).run();
      // Devices are matched again at the time the removal is recorded.
      const now = entries[0]?.at ?? new Date();
      for (const l of linked) matcher.matchDevice(l.key, now);
    });
  }

  async function* all(): AsyncGenerator<Asset> {
    let after: readonly [string, string] | undefined;
    for (;;) {
      const conditions = after
        ? or(gt(assets.assetTag, after[0]), and(eq(assets.assetTag, after[0]), gt(assets.id, after[1])))
        : undefined;
      const rows = db
        .select()
        .from(assets)
        .where(conditions)
        .orderBy(asc(assets.assetTag), asc(assets.id))
        .limit(BATCH)
        .all();
      for (const r of rows) yield assetFromRow(r, macsOf(r.id));
      const last = rows.at(-1);
      if (!last || rows.length < BATCH) return;
      after = [last.assetTag, last.id];
    }
  }

  const register: AssetRegister = {
    get: async (id) => get(id),
    getByTag: async (tag) => getByTag(tag),
    statusEvents: async (id) => statusEvents(id),
    latestDisposal: async (id) => latestDisposal(id),
    all,
    async detail(id): Promise<AssetDetail | undefined> {
      const asset = get(id);
      if (!asset) return undefined;
      return {
        ...asset,
        statusEvents: statusEvents(id),
        devices: matcher.devicesOfAsset(id),
        conflicts: conflicts.forAsset(id),
      };
    },
    write: async (writes) =>
      db.transaction(() => {
        checkBatch(writes);
        return writes.map((w) => {
          apply(w);
          return storedAfter(w);
        });
      }),
    apply: async (writes) =>
      db.transaction(() => {
        checkBatch(writes);
        for (const w of writes) apply(w);
      }),
    remove: async (id, auditOf) => remove(id, auditOf),
  };
  return register;
}
