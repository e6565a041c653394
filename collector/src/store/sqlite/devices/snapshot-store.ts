import { gunzipSync, gzipSync } from 'node:zlib';
import { SECTION_NAMES, type SectionName, type Snapshot } from '@stocktake/shared';
import { and, asc, eq, gt, gte, lt, lte, sql } from 'drizzle-orm';
import { reportKey, THIN_LOOKBACK_MS, thinnedOut } from '../../common/snapshot-thinning.ts';
import type { Db } from '../open-database.ts';
import { devices, snapshotSections, snapshots } from '../schema/index.ts';

const DATA_COLUMN = {
  hardware: 'hardwareData',
  os: 'osData',
  software: 'softwareData',
  patches: 'patchesData',
  users: 'usersData',
} as const satisfies Record<SectionName, keyof typeof snapshots.$inferSelect>;

const POINTER_COLUMNS = Object.values(DATA_COLUMN);

/** A snapshot's pointers to its sections' data, as selected columns. */
const POINTERS = {
  hardwareData: snapshots.hardwareData,
  osData: snapshots.osData,
  softwareData: snapshots.softwareData,
  patchesData: snapshots.patchesData,
  usersData: snapshots.usersData,
} as const satisfies Record<(typeof DATA_COLUMN)[SectionName], unknown>;

// Level 3 keeps most of gzip's ratio on JSON at a fraction of level 6's time, on the ingest path.
const GZIP_LEVEL = 3;

/**
 * Raw snapshots, kept for the retention window. A snapshot is stored as its envelope plus one
 * pointer per section to the section's data, stored once per distinct content: resending an
 * unchanged software list costs a row of pointers, not the list again.
 */
export function createSnapshotStore(db: Db) {
  const findSection = db
    .select({ id: snapshotSections.id })
    .from(snapshotSections)
    .where(
      and(eq(snapshotSections.section, sql.placeholder('section')), eq(snapshotSections.hash, sql.placeholder('hash'))),
    )
    .prepare();

  const findBody = db
    .select({ body: snapshotSections.body })
    .from(snapshotSections)
    .where(
      and(eq(snapshotSections.section, sql.placeholder('section')), eq(snapshotSections.hash, sql.placeholder('hash'))),
    )
    .prepare();

  const insertSnapshot = db
    .insert(snapshots)
    .values({
      id: sql.placeholder('id'),
      deviceKey: sql.placeholder('deviceKey'),
      agentId: sql.placeholder('agentId'),
      collectedAt: sql.placeholder('collectedAt'),
      receivedAt: sql.placeholder('receivedAt'),
      sizeBytes: sql.placeholder('sizeBytes'),
      envelope: sql.placeholder('envelope'),
      hardwareData: sql.placeholder('hardwareData'),
      osData: sql.placeholder('osData'),
      softwareData: sql.placeholder('softwareData'),
      patchesData: sql.placeholder('patchesData'),
      usersData: sql.placeholder('usersData'),
    })
    .prepare();

  const devicesAfter = db
    .select({ key: devices.key, lastSnapshotId: devices.lastSnapshotId })
    .from(devices)
    .where(gt(devices.key, sql.placeholder('after')))
    .orderBy(asc(devices.key))
    .limit(sql.placeholder('limit'))
    .prepare();

  const historyOfDevices = db
    .select({
      id: snapshots.id,
      deviceKey: snapshots.deviceKey,
      receivedAt: snapshots.receivedAt,
      ...POINTERS,
    })
    .from(snapshots)
    .where(
      and(
        gte(snapshots.deviceKey, sql.placeholder('first')),
        lte(snapshots.deviceKey, sql.placeholder('last')),
        gte(snapshots.receivedAt, sql.placeholder('since')),
        lt(snapshots.receivedAt, sql.placeholder('before')),
      ),
    )
    .orderBy(asc(snapshots.deviceKey), asc(snapshots.receivedAt))
    .prepare();

  const envelopeOf = db
    .select({ envelope: snapshots.envelope })
    .from(snapshots)
    .where(eq(snapshots.id, sql.placeholder('id')))
    .prepare();

  const deleteSnapshot = db
    .delete(snapshots)
    .where(eq(snapshots.id, sql.placeholder('id')))
    .prepare();

  function reportOf(id: string): string {
    const row = envelopeOf.get({ id });
    if (!row) throw new Error(`snapshot ${id} vanished while its device's history was thinned`);
    return reportKey(row.envelope);
  }

  /** The row holding a section's data: found by its hash, else written from `data`. */
  function sectionId(section: SectionName, hash: string, data: unknown): number {
    const found = findSection.get({ section, hash });
    if (found) return found.id;
    // A section a delta says is unchanged comes without its data: it must be held already.
    if (data === undefined) throw new Error(`no stored ${section} data with hash ${hash}`);
    const json = Buffer.from(JSON.stringify(data));
    const row = db
      .insert(snapshotSections)
      .values({ section, hash, sizeBytes: json.length, body: gzipSync(json, { level: GZIP_LEVEL }) })
      .returning({ id: snapshotSections.id })
      .get();
    return row.id;
  }

  /** Deletes these snapshots, then the section data they pointed at that no remaining snapshot uses. */
  function deleteSnapshots(
    rows: readonly ({ id: string } & Record<(typeof DATA_COLUMN)[SectionName], number | null>)[],
  ) {
    const totals = { snapshots: 0, sections: 0 };
    const candidates = new Map<number, (typeof DATA_COLUMN)[SectionName]>();
    for (const row of rows) {
      db.delete(snapshots).where(eq(snapshots.id, row.id)).run();
      totals.snapshots++;
      for (const name of SECTION_NAMES) {
        const id = row[DATA_COLUMN[name]];
        if (id !== null) candidates.set(id, DATA_COLUMN[name]);
      }
    }
    for (const [id, column] of candidates) {
      const used = db.select({ id: snapshots.id }).from(snapshots).where(eq(snapshots[column], id)).limit(1).get();
      if (!used) {
        db.delete(snapshotSections).where(eq(snapshotSections.id, id)).run();
        totals.sections++;
      }
    }
    return totals;
  }

  return {
    /** Stores a snapshot (inside the ingest transaction). */
    store(input: {
      snapshot: Snapshot;
      deviceKey: number;
      agentId: string;
      receivedAt: string;
      hashes: Partial<Record<SectionName, string>>;
      sizeBytes: number;
    }): void {
      const { snapshot, hashes } = input;
      const envelopeSections: Record<string, unknown> = {};
      const pointers: Record<(typeof DATA_COLUMN)[SectionName], number | null> = {
        hardwareData: null,
        osData: null,
        softwareData: null,
        patchesData: null,
        usersData: null,
      };
      for (const name of SECTION_NAMES) {
        const { data, ...rest } = snapshot.sections[name];
        envelopeSections[name] = rest;
        const hash = hashes[name];
        // A hash without data is a section unchanged since the last snapshot (a delta).
        if (hash && (data !== undefined || rest.status !== 'failed')) {
          pointers[DATA_COLUMN[name]] = sectionId(name, hash, data);
        }
      }
      const envelope = Buffer.from(JSON.stringify({ ...snapshot, sections: envelopeSections }));
      insertSnapshot.run({
        id: snapshot.snapshotId,
        deviceKey: input.deviceKey,
        agentId: input.agentId,
        collectedAt: snapshot.collectedAt,
        receivedAt: input.receivedAt,
        sizeBytes: input.sizeBytes,
        envelope: gzipSync(envelope, { level: GZIP_LEVEL }),
        ...pointers,
      });
    },

    /** A section's data as stored, by its hash; undefined when none is held. */
    sectionData(section: SectionName, hash: string): unknown {
      const row = findBody.get({ section, hash });
      return row ? JSON.parse(gunzipSync(row.body).toString('utf8')) : undefined;
    },

    /** A stored snapshot put back together: equal to what was received, up to the order of lists within a section. */
    read(snapshotId: string): Snapshot | undefined {
      const row = db.select().from(snapshots).where(eq(snapshots.id, snapshotId)).get();
      if (!row) return undefined;
      const envelope = JSON.parse(gunzipSync(row.envelope).toString('utf8')) as Snapshot;
      for (const name of SECTION_NAMES) {
        const id = row[DATA_COLUMN[name]];
        if (id === null) continue;
        const blob = db
          .select({ body: snapshotSections.body })
          .from(snapshotSections)
          .where(eq(snapshotSections.id, id))
          .get();
        if (!blob) throw new Error(`snapshot ${snapshotId} points at missing ${name} data ${id}`);
        (envelope.sections[name] as { data?: unknown }).data = JSON.parse(gunzipSync(blob.body).toString('utf8'));
      }
      return envelope;
    },

    /** Ids of a device's stored snapshots, newest first. */
    idsOfDevice(deviceKey: number): { id: string; receivedAt: string; sizeBytes: number }[] {
      return db
        .select({ id: snapshots.id, receivedAt: snapshots.receivedAt, sizeBytes: snapshots.sizeBytes })
        .from(snapshots)
        .where(eq(snapshots.deviceKey, deviceKey))
        .orderBy(sql`${snapshots.receivedAt} desc`)
        .all();
    },

    /**
     * Deletes up to `batchSize` snapshots received before `cutoff` (never a device's latest),
     * and the section data no remaining snapshot points at, in one short transaction.
     */
    pruneBatch(cutoff: Date, batchSize = 500): { snapshots: number; sections: number; more: boolean } {
      const totals = { snapshots: 0, sections: 0 };
      const batch = db
        .select({
          id: snapshots.id,
          ...POINTERS,
        })
        .from(snapshots)
        .where(
          and(
            lt(snapshots.receivedAt, cutoff.toISOString()),
            sql`not exists (select 1 from ${devices} d where d.key = ${snapshots.deviceKey} and d.last_snapshot_id = ${snapshots.id})`,
          ),
        )
        .orderBy(asc(snapshots.receivedAt))
        .limit(batchSize)
        .all();
      if (batch.length === 0) return { ...totals, more: false };
      db.transaction(() => {
        const deleted = deleteSnapshots(batch);
        totals.snapshots += deleted.snapshots;
        totals.sections += deleted.sections;
      });
      return { ...totals, more: batch.length === batchSize };
    },

    /** Deletes every snapshot of a device and the section data no other snapshot points at; inside the caller's transaction. */
    deleteOfDevice(deviceKey: number): { snapshots: number; sections: number } {
      const rows = db
        .select({ id: snapshots.id, ...POINTERS })
        .from(snapshots)
        .where(eq(snapshots.deviceKey, deviceKey))
        .all();
      return deleteSnapshots(rows);
    },

    /**
     * Thins the history of up to `devicesPerBatch` devices (those keyed after `afterKey`):
     * a snapshot received before `cutoff` is deleted when it says exactly what the device's
     * previous kept snapshot of the same UTC day said (same sections' data, statuses, identity
     * and agent; only the collection times differ). What is left is every change and at least
     * one snapshot per device per day it reported. It never deletes a device's latest snapshot,
     * and never orphans section data, since the kept snapshot points at the same rows.
     *
     * Only the week before `cutoff` is read (THIN_LOOKBACK_MS), so a run costs the same however
     * long the retention window is.
     */
    thinBatch(
      cutoff: Date,
      afterKey = Number.MIN_SAFE_INTEGER,
      // Small enough that a catch-up batch (a week of hourly snapshots each) holds the event
      // loop for well under a second.
      devicesPerBatch = 50,
    ): { snapshots: number; lastKey: number | undefined } {
      const page = devicesAfter.all({ after: afterKey, limit: devicesPerBatch });
      const first = page[0];
      const last = page.at(-1);
      if (!first || !last) return { snapshots: 0, lastKey: undefined };
      const latest = new Set(page.map((d) => d.lastSnapshotId));
      const rows = historyOfDevices.all({
        first: first.key,
        last: last.key,
        since: new Date(cutoff.getTime() - THIN_LOOKBACK_MS).toISOString(),
        before: cutoff.toISOString(),
      });
      const history = rows.map((row) => ({
        id: row.id,
        deviceKey: row.deviceKey,
        day: row.receivedAt.slice(0, 10),
        pointers: POINTER_COLUMNS.map((c) => row[c]).join(','),
      }));
      const doomed = thinnedOut(history, latest, reportOf);
      if (doomed.length > 0) {
        db.transaction(() => {
          for (const id of doomed) deleteSnapshot.run({ id });
        });
      }
      return { snapshots: doomed.length, lastKey: last.key };
    },

    /** Thins every device's history before `cutoff` (see thinBatch), batch after batch. */
    thin(cutoff: Date, devicesPerBatch = 50): { snapshots: number } {
      let total = 0;
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const step = this.thinBatch(cutoff, after, devicesPerBatch);
        total += step.snapshots;
        if (step.lastKey === undefined) return { snapshots: total };
        after = step.lastKey;
      }
    },

    /** Prunes everything received before `cutoff` (see pruneBatch), batch after batch. */
    prune(cutoff: Date, batchSize = 500): { snapshots: number; sections: number } {
      const totals = { snapshots: 0, sections: 0 };
      for (;;) {
        const step = this.pruneBatch(cutoff, batchSize);
        totals.snapshots += step.snapshots;
        totals.sections += step.sections;
        if (!step.more) return totals;
      }
    },
  };
}

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;
