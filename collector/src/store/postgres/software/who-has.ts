import type { InstalledSoftware, UsageClass, WhoHasItem } from '@stocktake/shared/api';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Lister } from '../../../domain/lists/list-query.ts';
import type { WhoHasQuery } from '../../../domain/lists/ports.ts';
import type { UsageCutoffs } from '../../../domain/usage/ports.ts';
import { distinctVersions } from '../../common/list-paging.ts';
import type { Db } from '../connection.ts';
import { createDeviceList } from '../lists/device-list.ts';
import { specLister } from '../lists/list-query.ts';
import { deviceSoftware, devices, softwareCatalog } from '../schema/index.ts';
import { installClass } from '../usage/install-class.ts';
import { idArray, resolveSoftwareMatch } from './catalogue-match.ts';

/**
 * Up to this many installs, a package's devices are read first (from the by-package index) and
 * the device list is narrowed to their keys; beyond it, the device list walks its sort order and
 * checks each device's installs until a page is full. The walk finds a 50-device page after
 * about 50 × fleet ÷ installs devices, each a probe of the installs' primary key: quick for a
 * package on most devices, and on a 100,000-device fleet 1.6 s for one on 0.5% of them, where
 * reading 500 keys first takes a few milliseconds. Measured in docs/benchmarks.md (API queries).
 */
export const FEW_INSTALLS = 20_000;

/** The software a who-has query names: its catalogue ids, and the devices' keys when it has few installs. */
export interface SoftwareInstalls {
  ids: number[];
  /** The devices with an install, when there are at most FEW_INSTALLS installs; otherwise undefined. */
  deviceKeys: number[] | undefined;
}

/**
 * The ids' devices by key when they have at most `bound` installs between them. The installs are
 * counted first, inside the database and only up to the bound, so a package on most devices
 * costs an index-only scan that stops early rather than its keys sent to the collector.
 */
export async function fewDevicesOf(
  db: Db,
  ids: readonly number[],
  bound = FEW_INSTALLS,
): Promise<number[] | undefined> {
  if (ids.length === 0) return [];
  const ofIds = sql`${deviceSoftware.softwareId} = any(${idArray(ids)})`;
  const counted = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from (select 1 from ${deviceSoftware} where ${ofIds} limit ${bound + 1}) as installs`,
  );
  if ((counted.rows[0]?.n ?? 0) > bound) return undefined;
  const rows = await db.selectDistinct({ key: deviceSoftware.deviceKey }).from(deviceSoftware).where(ofIds);
  return rows.map((r) => r.key);
}

/**
 * Devices (a condition over `devices`) that have any of the software. Either form is the same
 * condition; they differ in the plan. Few installs: the devices' keys, read first, so that
 * PostgreSQL fetches those devices by primary key and sorts only them. Many: a semi-join, which
 * walks the device list's sort index and stops at a full page.
 */
export function hasAnyOf(software: SoftwareInstalls): SQL {
  if (software.ids.length === 0 || software.deviceKeys?.length === 0) return sql`false`;
  if (software.deviceKeys) return sql`${devices.key} = any(${idArray(software.deviceKeys)})`;
  return sql`exists (select 1 from ${deviceSoftware} where ${deviceSoftware.deviceKey} = ${devices.key} and ${deviceSoftware.softwareId} = any(${idArray(software.ids)}))`;
}

/** Devices (a condition over `devices`) with an install of the ids in this usage class as of the cutoffs. */
export function hasInstallOfClass(ids: readonly number[], usage: { class: UsageClass; cutoffs: UsageCutoffs }): SQL {
  if (ids.length === 0) return sql`false`;
  return sql`exists (select 1 from ${deviceSoftware}
    join ${softwareCatalog} on ${softwareCatalog.id} = ${deviceSoftware.softwareId}
    where ${deviceSoftware.deviceKey} = ${devices.key} and ${deviceSoftware.softwareId} = any(${idArray(ids)})
      and ${installClass(usage.cutoffs)} = ${usage.class})`;
}

/** The software of the ids each of these devices has, by device id (name, source, arch, version order). */
export async function installedOf(
  db: Db,
  deviceIds: string[],
  ids: readonly number[],
): Promise<Map<string, InstalledSoftware[]>> {
  const out = new Map<string, InstalledSoftware[]>();
  if (deviceIds.length === 0 || ids.length === 0) return out;
  const rows = await db
    .select({
      deviceId: devices.id,
      source: softwareCatalog.source,
      name: softwareCatalog.name,
      version: softwareCatalog.version,
      arch: softwareCatalog.arch,
      publisher: softwareCatalog.publisher,
    })
    .from(deviceSoftware)
    .innerJoin(devices, eq(devices.key, deviceSoftware.deviceKey))
    .innerJoin(softwareCatalog, eq(softwareCatalog.id, deviceSoftware.softwareId))
    .where(and(inArray(devices.id, deviceIds), sql`${deviceSoftware.softwareId} = any(${idArray(ids)})`))
    .orderBy(softwareCatalog.name, softwareCatalog.source, softwareCatalog.arch, softwareCatalog.version);
  for (const r of rows) {
    const item: InstalledSoftware = { source: r.source, name: r.name, version: r.version };
    if (r.arch) item.arch = r.arch;
    if (r.publisher) item.publisher = r.publisher;
    const list = out.get(r.deviceId);
    if (list) list.push(item);
    else out.set(r.deviceId, [item]);
  }
  return out;
}

/**
 * Who-has: the device list narrowed to devices with the software, each shown with the software
 * it has. The software a query names is matched once per query object, so every page of a CSV
 * export (which repeats the same object) reads installs by catalogue id.
 */
export function createWhoHasLister(db: Db): Lister<WhoHasItem, WhoHasQuery> {
  const resolved = new WeakMap<WhoHasQuery['software'], Promise<SoftwareInstalls>>();
  const softwareOf = (match: WhoHasQuery['software']): Promise<SoftwareInstalls> => {
    let software = resolved.get(match);
    if (!software) {
      software = resolveSoftwareMatch(db, match).then(async (ids) => ({
        ids,
        deviceKeys: await fewDevicesOf(db, ids),
      }));
      resolved.set(match, software);
    }
    return software;
  };
  const pages = specLister(createDeviceList(db), async (query: WhoHasQuery) => {
    const software = await softwareOf(query.software);
    return query.usage ? [hasAnyOf(software), hasInstallOfClass(software.ids, query.usage)] : [hasAnyOf(software)];
  });
  return {
    async list(query) {
      const page = await pages.list(query);
      const found = await installedOf(
        db,
        page.items.map((d) => d.id),
        (await softwareOf(query.software)).ids,
      );
      const items = page.items.map((d) => {
        const software = found.get(d.id) ?? [];
        return { ...d, software, versions: distinctVersions(software) };
      });
      return { items, nextCursor: page.nextCursor };
    },
  };
}
