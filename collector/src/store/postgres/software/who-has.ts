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
 * Devices (a condition over `devices`) that have any of the catalogue ids. A semi-join either
 * way: PostgreSQL reads the few devices of a rare package from the by-package index, or walks
 * the device list's sort index for a popular one and stops at a full page.
 */
export function hasAnyOf(ids: readonly number[]): SQL {
  if (ids.length === 0) return sql`false`;
  return sql`exists (select 1 from ${deviceSoftware} where ${deviceSoftware.deviceKey} = ${devices.key} and ${deviceSoftware.softwareId} = any(${idArray(ids)}))`;
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
  const resolved = new WeakMap<WhoHasQuery['software'], Promise<number[]>>();
  const softwareOf = (match: WhoHasQuery['software']): Promise<number[]> => {
    let ids = resolved.get(match);
    if (!ids) {
      ids = resolveSoftwareMatch(db, match);
      resolved.set(match, ids);
    }
    return ids;
  };
  const pages = specLister(createDeviceList(db), async (query: WhoHasQuery) => {
    const ids = await softwareOf(query.software);
    return query.usage ? [hasAnyOf(ids), hasInstallOfClass(ids, query.usage)] : [hasAnyOf(ids)];
  });
  return {
    async list(query) {
      const page = await pages.list(query);
      const found = await installedOf(
        db,
        page.items.map((d) => d.id),
        await softwareOf(query.software),
      );
      const items = page.items.map((d) => {
        const software = found.get(d.id) ?? [];
        return { ...d, software, versions: distinctVersions(software) };
      });
      return { items, nextCursor: page.nextCursor };
    },
  };
}
