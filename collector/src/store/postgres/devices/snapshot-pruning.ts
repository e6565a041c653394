import { SECTION_NAMES, type SectionName } from '@stocktake/shared';
import { and, asc, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { PruneStep, SnapshotArchive, ThinStep } from '../../../domain/inventory/ports.ts';
import { reportKey, reportsNeeded, THIN_LOOKBACK_MS, thinnedOut } from '../../common/snapshot-thinning.ts';
import type { Db, Tx } from '../connection.ts';
import { devices, snapshotSections, snapshots } from '../schema/index.ts';

/** Each section's pointer column, as selected columns. */
const POINTERS = {
  hardware: snapshots.hardwareData,
  os: snapshots.osData,
  software: snapshots.softwareData,
  patches: snapshots.patchesData,
  users: snapshots.usersData,
} as const satisfies Record<SectionName, unknown>;

type PointerRow = { id: string } & Record<SectionName, number | null>;

/** Snapshots a batch of pruning deletes, and the devices' thinning reads, at most. */
const PRUNE_BATCH = 500;
const THIN_DEVICES = 50;

/** Section ids as one bound array, for `= any(...)`. */
const idArray = (values: readonly number[]) => sql`${`{${values.join(',')}}`}::int[]`;

/**
 * Deletes these snapshots, then the section data they pointed at that no remaining snapshot
 * uses. A section row an ingest on another instance is pointing a new snapshot at right now is
 * locked by that insert's foreign key check: it is skipped (SKIP LOCKED), not waited for, and
 * left for a later run should it end up unused after all.
 */
async function deleteSnapshots(tx: Tx, rows: readonly PointerRow[]): Promise<{ snapshots: number; sections: number }> {
  if (rows.length === 0) return { snapshots: 0, sections: 0 };
  const deleted = await tx
    .delete(snapshots)
    .where(
      inArray(
        snapshots.id,
        rows.map((r) => r.id),
      ),
    )
    .returning({ id: snapshots.id });
  let sections = 0;
  for (const name of SECTION_NAMES) {
    const candidates = [...new Set(rows.flatMap((r) => r[name] ?? []))];
    if (candidates.length === 0) continue;
    const column = POINTERS[name];
    const gone = await tx.execute<{ id: number }>(sql`delete from ${snapshotSections} where ${snapshotSections.id} in (
        select s.id from ${snapshotSections} s
        where s.id = any(${idArray(candidates)})
          and not exists (select 1 from ${snapshots} where ${column} = s.id)
        for update skip locked)
      returning ${snapshotSections.id}`);
    sections += gone.rows.length;
  }
  return { snapshots: deleted.length, sections };
}

/**
 * The snapshot archive's pruning and thinning over PostgreSQL, as on SQLite: short
 * transactions of a bounded batch each, so ingest on every instance carries on between them.
 * (Running them once across instances is the retention job's lease, not this port's.)
 */
export function createSnapshotPruning(db: Db): Pick<SnapshotArchive, 'pruneBatch' | 'thinBatch'> {
  return {
    /**
     * Deletes up to PRUNE_BATCH snapshots received before `cutoff` (never a device's latest),
     * and the section data no remaining snapshot points at, in one transaction.
     */
    async pruneBatch(cutoff: Date): Promise<PruneStep> {
      return db.transaction(async (tx) => {
        const batch = await tx
          .select({ id: snapshots.id, ...POINTERS })
          .from(snapshots)
          .where(
            and(
              lt(snapshots.receivedAt, cutoff),
              sql`not exists (select 1 from ${devices} d where d.key = ${snapshots.deviceKey} and d.last_snapshot_id = ${snapshots.id})`,
            ),
          )
          .orderBy(asc(snapshots.receivedAt))
          .limit(PRUNE_BATCH);
        const totals = await deleteSnapshots(tx, batch);
        return { ...totals, more: batch.length === PRUNE_BATCH };
      });
    },

    /**
     * Thins the history of the next THIN_DEVICES devices (keyed after `afterKey`) before `cutoff`:
     * a snapshot goes when it says exactly what the device's previous kept snapshot of the same
     * UTC day said (`thinnedOut`, shared with SQLite). Only the week before `cutoff` is read.
     */
    async thinBatch(cutoff: Date, afterKey?: number): Promise<ThinStep> {
      const page = await db
        .select({ key: devices.key, lastSnapshotId: devices.lastSnapshotId })
        .from(devices)
        .where(afterKey === undefined ? undefined : gt(devices.key, afterKey))
        .orderBy(asc(devices.key))
        .limit(THIN_DEVICES);
      const first = page[0];
      const last = page.at(-1);
      if (!first || !last) return { snapshots: 0, lastKey: undefined };
      const rows = await db
        .select({ id: snapshots.id, deviceKey: snapshots.deviceKey, receivedAt: snapshots.receivedAt, ...POINTERS })
        .from(snapshots)
        .where(
          and(
            gte(snapshots.deviceKey, first.key),
            sql`${snapshots.deviceKey} <= ${last.key}`,
            gte(snapshots.receivedAt, new Date(cutoff.getTime() - THIN_LOOKBACK_MS)),
            lt(snapshots.receivedAt, cutoff),
          ),
        )
        .orderBy(asc(snapshots.deviceKey), asc(snapshots.receivedAt), asc(snapshots.id));
      const history = rows.map((r) => ({
        id: r.id,
        deviceKey: r.deviceKey,
        day: r.receivedAt.toISOString().slice(0, 10),
        pointers: SECTION_NAMES.map((name) => r[name]).join(','),
      }));
      // The envelopes of the snapshots that may go, read at once: thinning then decides in memory.
      const reports = new Map<string, string>();
      const needed = reportsNeeded(history);
      if (needed.length > 0) {
        const envelopes = await db
          .select({ id: snapshots.id, envelope: snapshots.envelope })
          .from(snapshots)
          .where(inArray(snapshots.id, needed));
        for (const e of envelopes) reports.set(e.id, reportKey(e.envelope));
      }
      const latest = new Set(page.map((d) => d.lastSnapshotId));
      const doomed = thinnedOut(history, latest, (id) => {
        const report = reports.get(id);
        if (report === undefined) throw new Error(`snapshot ${id} vanished while its device's history was thinned`);
        return report;
      });
      if (doomed.length > 0) await db.delete(snapshots).where(inArray(snapshots.id, doomed));
      return { snapshots: doomed.length, lastKey: last.key };
    },
  };
}
