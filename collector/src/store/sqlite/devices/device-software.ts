import type { SoftwareItem } from '@stocktake/shared';
import { asc, eq } from 'drizzle-orm';
import { type InstalledSoftware, planSoftware, type SoftwarePlan } from '../../../domain/inventory/software-diff.ts';
import type { Db } from '../open-database.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';
import type { WriteBatcher } from '../write-batcher.ts';

// Catalogue ids never change once written; caching them saves one lookup per package per
// snapshot. Bounded: cleared when full, it refills from the popular packages first.
const CATALOG_CACHE_LIMIT = 250_000;

/**
 * A device's software rows and the catalogue they point at: the hottest part of ingest, about
 * a thousand packages per new device.
 */
export function createDeviceSoftware(db: Db, batcher: WriteBatcher) {
  const catalogCache = new Map<string, number>();
  // Ids looked up or inserted by the ingest in progress: cached only once they are committed.
  let pendingCatalog = new Map<string, number>();

  // The per-package statements run about a thousand times per new device: they go straight to
  // better-sqlite3 (positional parameters, rows as arrays), skipping drizzle's per-call
  // placeholder filling and row mapping (with the WITHOUT ROWID table, database CPU per new
  // device went from 15.9 to 12.9 ms: docs/benchmarks.md, where the ingest time goes).
  const sqlite = db.$client;
  const findCatalogId = sqlite
    .prepare<[string, string, string, string], number>(
      'SELECT id FROM software_catalog WHERE source = ? AND name = ? AND version = ? AND arch = ?',
    )
    .pluck();
  const insertCatalog = sqlite
    .prepare<[string, string, string, string, string | null], number>(
      'INSERT INTO software_catalog (source, name, version, arch, publisher) VALUES (?, ?, ?, ?, ?) RETURNING id',
    )
    .pluck();
  const currentSoftware = sqlite
    .prepare<[number], [number, string, string, string, string, string | null, string | null]>(
      `SELECT ds.software_id, c.source, c.name, c.arch, c.version, ds.install_date, ds.install_location
         FROM device_software ds JOIN software_catalog c ON c.id = ds.software_id
        WHERE ds.device_key = ?`,
    )
    .raw();
  const insertSoftware = sqlite.prepare<[number, number, string | null, string | null]>(
    'INSERT INTO device_software (device_key, software_id, install_date, install_location) VALUES (?, ?, ?, ?)',
  );
  const updateSoftware = sqlite.prepare<[string | null, string | null, number, number]>(
    'UPDATE device_software SET install_date = ?, install_location = ? WHERE device_key = ? AND software_id = ?',
  );
  const deleteSoftware = sqlite.prepare<[number, number]>(
    'DELETE FROM device_software WHERE device_key = ? AND software_id = ?',
  );

  function catalogId(item: SoftwareItem): number {
    const arch = item.arch ?? '';
    const cacheKey = `${item.source}\u0000${item.name}\u0000${item.version}\u0000${arch}`;
    const cached = catalogCache.get(cacheKey) ?? pendingCatalog.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = findCatalogId.get(item.source, item.name, item.version, arch);
    const id = found ?? insertCatalog.get(item.source, item.name, item.version, arch, item.publisher ?? null);
    if (id === undefined) throw new Error('software catalogue insert returned no id');
    pendingCatalog.set(cacheKey, id);
    return id;
  }

  function cacheCatalogIds(ids: Map<string, number>): void {
    if (catalogCache.size + ids.size > CATALOG_CACHE_LIMIT) catalogCache.clear();
    for (const [k, v] of ids) catalogCache.set(k, v);
  }

  return {
    /**
     * Brings the device's software rows in line with the snapshot (inside the ingest's
     * transaction), touching only rows that changed, and names the changes: the plan is
     * domain/inventory/software-diff.ts.
     */
    apply(
      deviceKey: number,
      items: SoftwareItem[],
      failedSources: ReadonlySet<string>,
      baseline: boolean,
    ): SoftwarePlan {
      const current = new Map<number, InstalledSoftware>();
      for (const [softwareId, source, name, arch, version, installDate, installLocation] of currentSoftware.all(
        deviceKey,
      )) {
        current.set(softwareId, { softwareId, source, name, arch, version, installDate, installLocation });
      }
      const wanted = new Map<number, SoftwareItem>();
      for (const item of items) wanted.set(catalogId(item), item);
      const plan = planSoftware(current, wanted, failedSources, baseline);
      for (const item of plan.added) {
        insertSoftware.run(deviceKey, item.id, item.installDate ?? null, item.installLocation ?? null);
      }
      for (const m of plan.moved) updateSoftware.run(m.installDate, m.installLocation, deviceKey, m.softwareId);
      for (const row of plan.removed) deleteSoftware.run(deviceKey, row.softwareId);
      return plan;
    },

    /** The ingest's transaction succeeded: its catalogue ids are cached once the batch commits. */
    cacheOnCommit(): void {
      const ids = pendingCatalog;
      pendingCatalog = new Map();
      batcher.afterCommit(() => cacheCatalogIds(ids));
    },

    /** The ingest is over: ids it did not hand to cacheOnCommit (it was rolled back) are forgotten. */
    dropPending(): void {
      if (pendingCatalog.size > 0) pendingCatalog = new Map();
    },

    /** The device's software in (source, name, arch, version) order. */
    list(deviceKey: number): SoftwareItem[] {
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
        .where(eq(deviceSoftware.deviceKey, deviceKey))
        .orderBy(
          asc(softwareCatalog.source),
          asc(softwareCatalog.name),
          asc(softwareCatalog.arch),
          asc(softwareCatalog.version),
        )
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
