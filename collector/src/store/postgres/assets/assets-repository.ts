import { and, asc, desc, eq, gt, inArray, or } from 'drizzle-orm';
import type { AuditEntry } from '../../../domain/audit/ports.ts';
import { ConflictError, NotFoundError } from '../../../domain/errors.ts';
import type { Asset, AssetFields } from '../../../domain/register/asset-model.ts';
import type { AssetRegister, AssetWrite, RemovedAsset, StatusEvent } from '../../../domain/register/ports.ts';
import {
  assetFromRow,
  columnsFor,
  disposalFromRow,
  disposalValues,
  statusEventColumns,
  statusEventFromRow,
  statusEventValues,
} from '../../common/asset-rows.ts';
import { writeAudit, writeAudits } from '../audit/audit-repository.ts';
import { type Db, type Executor, sqlStateOf, type Tx, UNIQUE_VIOLATION } from '../connection.ts';
import { conflictsOfAsset } from '../matching/conflicts.ts';
import { lockDevices, type Matcher } from '../matching/matcher.ts';
import { assetDisposals, assetMacs, assetStatusEvents, assets, deviceAssetLinks, devices } from '../schema/index.ts';

const BATCH = 1000;

/** The MACs of these assets, each list in order. */
async function macsOf(db: Executor, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select()
    .from(assetMacs)
    .where(inArray(assetMacs.assetId, [...ids]))
    .orderBy(asc(assetMacs.assetId), asc(assetMacs.mac));
  for (const { assetId, mac } of rows) {
    const list = out.get(assetId);
    if (list) list.push(mac);
    else out.set(assetId, [mac]);
  }
  return out;
}

/** Assets from their rows, with their MACs read in one query. */
export async function assetsFrom(db: Executor, rows: (typeof assets.$inferSelect)[]): Promise<Asset[]> {
  const macs = await macsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => assetFromRow(r, macs.get(r.id) ?? []));
}

async function get(db: Executor, id: string, lock = false): Promise<Asset | undefined> {
  const query = db.select().from(assets).where(eq(assets.id, id));
  const rows = lock ? await query.for('update') : await query;
  return (await assetsFrom(db, rows))[0];
}

async function getByTag(db: Executor, tag: string): Promise<Asset | undefined> {
  return (await assetsFrom(db, await db.select().from(assets).where(eq(assets.assetTag, tag))))[0];
}

async function statusEvents(db: Executor, assetId: string): Promise<StatusEvent[]> {
  const rows = await db
    .select(statusEventColumns(assetStatusEvents, assetDisposals))
    .from(assetStatusEvents)
    .leftJoin(assetDisposals, eq(assetDisposals.statusEventId, assetStatusEvents.id))
    .where(eq(assetStatusEvents.assetId, assetId))
    .orderBy(asc(assetStatusEvents.id));
  return rows.map(statusEventFromRow);
}

const tagTaken = (tag: string, holder?: string) =>
  new ConflictError(`Asset tag ${tag} is already ${holder ? `asset ${holder}` : 'another asset'}`, 'assetTag');

/**
 * Refuses a write planned on an asset that has changed since, or a tag another asset holds. The
 * asset updated is locked until the transaction ends, so a concurrent writer waits and then finds
 * it changed.
 */
async function checkStillValid(tx: Tx, w: AssetWrite): Promise<void> {
  const { plan } = w;
  if (plan.kind === 'update') {
    const [stored] = await tx
      .select({ updatedAt: assets.updatedAt })
      .from(assets)
      .where(eq(assets.id, w.id))
      .for('update');
    if (!stored) throw new NotFoundError(`No asset ${w.id}`);
    if (stored.updatedAt.toISOString() !== plan.before?.updatedAt) {
      throw new ConflictError(`Asset ${w.id} changed while the change was being made; try again`, 'updatedAt');
    }
  }
  const [holder] = await tx.select({ id: assets.id }).from(assets).where(eq(assets.assetTag, plan.next.assetTag));
  if (holder && holder.id !== w.id) throw tagTaken(plan.next.assetTag, holder.id);
}

async function replaceMacs(tx: Tx, assetId: string, macs: readonly string[]): Promise<void> {
  await tx.delete(assetMacs).where(eq(assetMacs.assetId, assetId));
  if (macs.length > 0) await tx.insert(assetMacs).values(macs.map((mac) => ({ assetId, mac })));
}

async function writeFields(tx: Tx, w: AssetWrite): Promise<void> {
  const { plan } = w;
  if (plan.kind === 'create') {
    const { macs, ...rest } = plan.next;
    await tx.insert(assets).values({
      ...columnsFor(rest),
      id: w.id,
      assetTag: plan.next.assetTag,
      status: plan.next.status,
      lockedFields: plan.lockedAfter,
      createdAt: w.at,
      updatedAt: w.at,
    });
    await replaceMacs(tx, w.id, macs);
    return;
  }
  const changed: Partial<AssetFields> = {};
  for (const c of plan.changes) (changed as Record<string, unknown>)[c.field] = c.to;
  const { macs, ...columns } = changed;
  await tx
    .update(assets)
    .set({ ...columnsFor(columns), lockedFields: plan.lockedAfter, updatedAt: w.at })
    .where(eq(assets.id, w.id));
  if (macs) await replaceMacs(tx, w.id, macs);
}

async function writeStatusEvent(tx: Tx, w: AssetWrite): Promise<void> {
  const status = w.plan.status;
  if (!status) return;
  const [event] = await tx
    .insert(assetStatusEvents)
    .values({ ...statusEventValues(w, status), at: w.at })
    .returning({ id: assetStatusEvents.id });
  const d = status.disposal;
  if (!d || !event) return;
  await tx.insert(assetDisposals).values(disposalValues(w.id, event.id, d));
}

/**
 * The asset register on PostgreSQL. A batch of writes lands in one transaction together with its
 * status events, disposal records, audit entries and the matching of the devices they concern.
 */
export function createAssetsRepository(db: Db, matcher: Matcher): AssetRegister {
  /** Matches again the devices an asset's identifiers point at, and those linked to it. */
  async function rematchFor(tx: Tx, assetId: string, now: Date): Promise<void> {
    const keys = await matcher.devicesForAsset(tx, assetId);
    await lockDevices(tx, keys);
    await matcher.matchDevices(tx, keys, now);
  }

  async function apply(tx: Tx, w: AssetWrite): Promise<void> {
    await writeFields(tx, w);
    await writeStatusEvent(tx, w);
    await writeAudit(tx, w.audit);
    if (w.matchDevices) await rematchFor(tx, w.id, w.at);
  }

  async function storedAfter(tx: Tx, w: AssetWrite): Promise<Asset> {
    const stored = await get(tx, w.id);
    if (!stored) throw new Error(`asset ${w.id} vanished while being written`);
    return stored;
  }

  /**
   * Applies a batch in one transaction, every write checked against the state it was planned on
   * before any of them lands (what an earlier write of the batch changes, matching filling an
   * asset, is not a conflict); `readBack` gives each asset as stored after its write.
   */
  async function applyBatch(writes: readonly AssetWrite[], readBack: boolean): Promise<Asset[]> {
    try {
      return await db.transaction(async (tx) => {
        const tags = new Map<string, string>();
        for (const w of writes) {
          await checkStillValid(tx, w);
          const other = tags.get(w.plan.next.assetTag);
          if (other !== undefined && other !== w.id) {
            throw new ConflictError(`Asset tag ${w.plan.next.assetTag} is written twice`, 'assetTag');
          }
          tags.set(w.plan.next.assetTag, w.id);
        }
        const written: Asset[] = [];
        for (const w of writes) {
          await apply(tx, w);
          if (readBack) written.push(await storedAfter(tx, w));
        }
        return written;
      });
    } catch (err) {
      // A concurrent write took the tag between the check and the insert: the index refuses it.
      const state = sqlStateOf(err);
      if (state?.code === UNIQUE_VIOLATION && state.constraint === 'assets_asset_tag_unique') {
        throw new ConflictError('Another asset already has this asset tag', 'assetTag');
      }
      throw err;
    }
  }

  async function remove(id: string, auditOf: (removed: RemovedAsset) => AuditEntry[]): Promise<void> {
    await db.transaction(async (tx) => {
      const existing = await get(tx, id, true);
      if (!existing) throw new NotFoundError(`No asset ${id}`);
      const linked = await tx
        .select({ key: deviceAssetLinks.deviceKey, deviceId: devices.id, method: deviceAssetLinks.method })
        .from(deviceAssetLinks)
        .innerJoin(devices, eq(devices.key, deviceAssetLinks.deviceKey))
        .where(eq(deviceAssetLinks.assetId, id));
      const entries = auditOf({
        asset: existing,
        statusEvents: await statusEvents(tx, id),
        links: linked.map((l) => ({ deviceId: l.deviceId, method: l.method })),
      });
      await writeAudits(tx, entries);
      const keys = linked.map((l) => l.key);
      await lockDevices(tx, keys);
      await tx.delete(assets).where(eq(assets.id, id));
      // Devices are matched again at the time the removal is recorded.
      await matcher.matchDevices(tx, keys, entries[0]?.at ?? new Date());
    });
  }

  async function* all(): AsyncGenerator<Asset> {
    let after: readonly [string, string] | undefined;
    for (;;) {
      const conditions = after
        ? or(gt(assets.assetTag, after[0]), and(eq(assets.assetTag, after[0]), gt(assets.id, after[1])))
        : undefined;
      const rows = await db
        .select()
        .from(assets)
        .where(conditions)
        .orderBy(asc(assets.assetTag), asc(assets.id))
        .limit(BATCH);
      yield* await assetsFrom(db, rows);
      const last = rows.at(-1);
      if (!last || rows.length < BATCH) return;
      after = [last.assetTag, last.id];
    }
  }

  return {
    get: (id) => get(db, id),
    getByTag: (tag) => getByTag(db, tag),
    statusEvents: (id) => statusEvents(db, id),
    async latestDisposal(id) {
      const [row] = await db
        .select()
        .from(assetDisposals)
        .where(eq(assetDisposals.assetId, id))
        .orderBy(desc(assetDisposals.id))
        .limit(1);
      return row ? disposalFromRow(row) : undefined;
    },
    all,
    async detail(id) {
      const asset = await get(db, id);
      if (!asset) return undefined;
      return {
        ...asset,
        statusEvents: await statusEvents(db, id),
        devices: await matcher.devicesOfAsset(db, id),
        conflicts: await conflictsOfAsset(db, id),
      };
    },
    write: (writes) => applyBatch(writes, true),
    async apply(writes) {
      await applyBatch(writes, false);
    },
    remove,
  };
}
