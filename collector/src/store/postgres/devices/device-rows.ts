import type { SoftwareItem } from '@stocktake/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import { type Component, componentDrafts, diffComponents } from '../../../domain/inventory/components.ts';
import type { ChangeDraft } from '../../../domain/inventory/device-changes.ts';
import type { DeviceComponent } from '../../../domain/inventory/ports.ts';
import { type InstalledSoftware, planSoftware, type SoftwarePlan } from '../../../domain/inventory/software-diff.ts';
import type { Executor } from '../connection.ts';
import { deviceComponents, deviceSoftware, softwareCatalog } from '../schema/index.ts';
import type { BatchContext } from '../write-batcher.ts';
import { runStatement } from './statements.ts';

// Catalogue ids never change once committed; caching them saves a lookup per package per
// snapshot. Bounded: cleared when full, it refills from the popular packages first.
const CATALOG_CACHE_LIMIT = 250_000;

const catalogKey = (source: string, name: string, version: string, arch: string) =>
  `${source}\u0000${name}\u0000${version}\u0000${arch}`;

/** A whole column as one array parameter (node-postgres sends a JS array as a PostgreSQL array). */
const column = <T>(values: T[]) => sql.param(values);

/**
 * A device's software rows and the catalogue they point at: the hottest part of ingest, about a
 * thousand packages per new device, so every step is one statement whatever the count: the
 * catalogue rows missing are inserted together from arrays (unnest), and the device's rows
 * added, updated and removed likewise.
 *
 * The catalogue rows are inserted on their own, committed at once on another connection of the
 * pool (`pool`), not in the ingest's transaction. In it, a new row stays locked until the whole
 * batch commits, and a batch of another instance holding other new rows its units also insert
 * (in another order: each unit's rows are sorted, not the batch's) deadlocked with it; two
 * collectors taking new devices lost whole batches that way. Committed at once, in key order,
 * no insert holds a catalogue row while waiting for another. A catalogue row whose ingest then
 * fails stays, unused until a device reports that package, as any catalogue row may.
 */
export function createDeviceSoftware(pool: pg.Pool) {
  const catalogCache = new Map<string, number>();

  async function catalogIds(client: pg.PoolClient, items: SoftwareItem[], fresh: Map<string, number>) {
    const ids = new Map<string, number>();
    const missing = new Map<string, SoftwareItem>();
    for (const item of items) {
      const key = catalogKey(item.source, item.name, item.version, item.arch ?? '');
      const cached = catalogCache.get(key);
      if (cached === undefined) missing.set(key, item);
      else ids.set(key, cached);
    }
    if (missing.size === 0) return ids;
    const wanted = [...missing.values()].sort((a, b) => {
      const ka = catalogKey(a.source, a.name, a.version, a.arch ?? '');
      const kb = catalogKey(b.source, b.name, b.version, b.arch ?? '');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const sources = wanted.map((i) => i.source);
    const names = wanted.map((i) => i.name);
    const versions = wanted.map((i) => i.version);
    const arches = wanted.map((i) => i.arch ?? '');
    await runStatement(pool, 'insertCatalog', [
      sources,
      names,
      versions,
      arches,
      wanted.map((i) => i.publisher ?? null),
    ]);
    const rows = await runStatement<{ id: number; source: string; name: string; version: string; arch: string }>(
      client,
      'catalogIds',
      [sources, names, versions, arches],
    );
    for (const r of rows) {
      const key = catalogKey(r.source, r.name, r.version, r.arch);
      ids.set(key, r.id);
      fresh.set(key, r.id);
    }
    return ids;
  }

  return {
    /**
     * Brings the device's software rows in line with the snapshot (inside the ingest's
     * transaction), touching only rows that changed, and names the changes: the plan is
     * domain/inventory/software-diff.ts. Once committed, the catalogue ids it used are cached.
     */
    async apply(
      tx: Executor,
      deviceKey: number,
      items: SoftwareItem[],
      failedSources: ReadonlySet<string>,
      baseline: boolean,
      batch: BatchContext,
    ): Promise<SoftwarePlan> {
      const currentRows = await runStatement<{
        software_id: number;
        source: string;
        name: string;
        arch: string;
        version: string;
        install_date: string | null;
        install_location: string | null;
      }>(batch.client, 'currentSoftware', [deviceKey]);
      const current = new Map<number, InstalledSoftware>();
      for (const r of currentRows) {
        current.set(r.software_id, {
          softwareId: r.software_id,
          source: r.source,
          name: r.name,
          arch: r.arch,
          version: r.version,
          installDate: r.install_date,
          installLocation: r.install_location,
        });
      }
      const fresh = new Map<string, number>();
      const ids = await catalogIds(batch.client, items, fresh);
      const wanted = new Map<number, SoftwareItem>();
      for (const item of items) {
        const id = ids.get(catalogKey(item.source, item.name, item.version, item.arch ?? ''));
        if (id === undefined) throw new Error(`no catalogue row for ${item.source} ${item.name} ${item.version}`);
        wanted.set(id, item);
      }
      const plan = planSoftware(current, wanted, failedSources, baseline);
      if (plan.added.length > 0) {
        await runStatement(batch.client, 'insertSoftware', [
          deviceKey,
          plan.added.map((a) => a.id),
          plan.added.map((a) => a.installDate ?? null),
          plan.added.map((a) => a.installLocation ?? null),
        ]);
      }
      if (plan.moved.length > 0) {
        await tx.execute(sql`
          UPDATE device_software ds SET install_date = m.install_date, install_location = m.install_location
            FROM unnest(${column(plan.moved.map((m) => m.softwareId))}::integer[],
              ${column(plan.moved.map((m) => m.installDate))}::text[],
              ${column(plan.moved.map((m) => m.installLocation))}::text[]) AS m(software_id, install_date, install_location)
           WHERE ds.device_key = ${deviceKey} AND ds.software_id = m.software_id`);
      }
      if (plan.removed.length > 0) {
        await tx.execute(sql`
          DELETE FROM device_software
           WHERE device_key = ${deviceKey}
             AND software_id = ANY(${column(plan.removed.map((r) => r.softwareId))}::integer[])`);
      }
      if (fresh.size > 0) {
        batch.afterCommit(() => {
          if (catalogCache.size + fresh.size > CATALOG_CACHE_LIMIT) catalogCache.clear();
          for (const [k, v] of fresh) catalogCache.set(k, v);
        });
      }
      return plan;
    },

    /** The device's software in (source, name, arch, version) order. */
    async list(tx: Executor, deviceKey: number): Promise<SoftwareItem[]> {
      const rows = await tx
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
        );
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

export type DeviceSoftware = ReturnType<typeof createDeviceSoftware>;

const componentColumns = {
  kind: deviceComponents.kind,
  key: deviceComponents.key,
  label: deviceComponents.label,
  serial: deviceComponents.serial,
  vendor: deviceComponents.vendor,
  model: deviceComponents.model,
  sizeBytes: deviceComponents.sizeBytes,
};

/** Brings the device's component rows in line with its hardware section, naming what came and went. */
export async function applyComponents(
  tx: Executor,
  deviceKey: number,
  next: Component[],
  at: Date,
  baseline: boolean,
): Promise<ChangeDraft[]> {
  const current: Component[] = await tx
    .select({ ...componentColumns, fingerprint: deviceComponents.fingerprint })
    .from(deviceComponents)
    .where(eq(deviceComponents.deviceKey, deviceKey));
  const diff = diffComponents(current, next);
  for (const c of diff.removed) {
    await tx
      .delete(deviceComponents)
      .where(
        and(
          eq(deviceComponents.deviceKey, deviceKey),
          eq(deviceComponents.kind, c.kind),
          eq(deviceComponents.key, c.key),
        ),
      );
  }
  if (diff.added.length > 0) {
    await tx.insert(deviceComponents).values(diff.added.map((c) => ({ ...c, deviceKey, firstSeenAt: at })));
  }
  return componentDrafts(diff, baseline);
}

/** The device's parts in (kind, key) order. */
export async function listComponents(tx: Executor, deviceKey: number): Promise<DeviceComponent[]> {
  const rows = await tx
    .select({ ...componentColumns, firstSeenAt: deviceComponents.firstSeenAt })
    .from(deviceComponents)
    .where(eq(deviceComponents.deviceKey, deviceKey))
    .orderBy(asc(deviceComponents.kind), asc(deviceComponents.key));
  return rows.map((r) => ({ ...r, firstSeenAt: r.firstSeenAt.toISOString() }));
}
