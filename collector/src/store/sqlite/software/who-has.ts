import type { InstalledSoftware, UsageClass } from '@stocktake/shared/api';
import { and, asc, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { UsageCutoffs } from '../../../domain/usage/ports.ts';
import type { Db } from '../open-database.ts';
import { deviceSoftware, devices, softwareCatalog } from '../schema/index.ts';
import { installClass } from '../usage/install-class.ts';
import { type SoftwareMatch, softwareMatchConditions } from './software-list.ts';

/** One matching package a device has, as who-has shows it. */
export type InstalledMatch = InstalledSoftware;

/**
 * Installs of the matching software from which devices are found by walking the device list in
 * its sort order rather than by reading every install. Below it, reading the installs and
 * sorting their devices costs about 1.4 µs per install; above it, the walk finds a 50-device
 * page after about 50 × fleet ÷ installs devices at about 1.2 µs each. The two meet near 2,000
 * installs on a 100,000-device fleet (both about 3 ms), and either stays under 30 ms up to a
 * million devices.
 */
export const DENSE_INSTALLS = 2000;

/**
 * The catalogue entries a who-has query names, matched once per request: every statement of
 * the request (the page, the next pages of a CSV export, the software shown per device) then
 * reads installs by catalogue id instead of matching names and versions again.
 */
export interface SoftwareSet {
  /** Catalogue ids, ascending. */
  ids: number[];
  /** At least DENSE_INSTALLS installs (or whatever threshold the set was resolved with). */
  dense: boolean;
}

/**
 * Up to this many catalogue ids, a page's devices are probed once per id; beyond it their
 * installs (hundreds to a few thousand each) are read instead.
 */
export const PROBED_IDS = 100;

/** The ids as a JSON array bound once, read by json_each: any number of ids, one parameter. */
const idsIn = (ids: number[]): SQL => sql`(select value from json_each(${JSON.stringify(ids)}))`;

/**
 * Resolves a match (name and publisher globs, source, versions) to catalogue ids and counts
 * their installs up to `denseAt`. A version that is not a range throws a ValidationError naming the
 * parameter; version comparisons need registerVersionCompare on the connection.
 */
export function resolveSoftwareSet(db: Db, match: SoftwareMatch, denseAt = DENSE_INSTALLS): SoftwareSet {
  const ids = db
    .select({ id: softwareCatalog.id })
    .from(softwareCatalog)
    .where(and(...softwareMatchConditions(match)))
    .orderBy(asc(softwareCatalog.id))
    .all()
    .map((r) => r.id);
  if (ids.length === 0) return { ids, dense: false };
  const installs = db
    .select({ one: sql`1` })
    .from(deviceSoftware)
    .where(sql`${deviceSoftware.softwareId} in ${idsIn(ids)}`)
    .limit(denseAt)
    .as('installs');
  const counted = db.select({ n: count() }).from(installs).get()?.n ?? 0;
  return { ids, dense: counted >= denseAt };
}

/**
 * Devices (a condition over `devices`) that have any of the set. Either form is the same
 * condition; they differ in the plan SQLite picks. Few installs: the devices are read from the
 * by-package index and only they are sorted. Many: a correlated EXISTS lets the device list walk
 * its sort index (host name, last seen) and stop at a full page, each device costing one index
 * probe per catalogue id.
 */
export function hasAnyOf(set: SoftwareSet): SQL {
  if (set.ids.length === 0) return sql`0`;
  if (set.dense) {
    return sql`exists (select 1 from ${deviceSoftware} where ${deviceSoftware.deviceKey} = ${devices.key} and ${deviceSoftware.softwareId} in ${idsIn(set.ids)})`;
  }
  return sql`${devices.key} in (select ${deviceSoftware.deviceKey} from ${deviceSoftware} where ${deviceSoftware.softwareId} in ${idsIn(set.ids)})`;
}

/**
 * Devices (a condition over `devices`) with an install of the set in this usage class as of the
 * cutoffs: each device walked costs one probe per catalogue id, and its usage rows by their key.
 */
export function hasInstallOfClass(set: SoftwareSet, usage: { class: UsageClass; cutoffs: UsageCutoffs }): SQL {
  if (set.ids.length === 0) return sql`0`;
  return sql`exists (select 1 from ${deviceSoftware}
    join ${softwareCatalog} on ${softwareCatalog.id} = ${deviceSoftware.softwareId}
    where ${deviceSoftware.deviceKey} = ${devices.key} and ${deviceSoftware.softwareId} in ${idsIn(set.ids)}
      and ${installClass(usage.cutoffs)} = ${usage.class})`;
}

/** The software of the set each of these devices has, by device id (name, source, arch, version order). */
export function installedOf(
  db: Db,
  deviceIds: string[],
  set: SoftwareSet,
  probedIds = PROBED_IDS,
): Map<string, InstalledMatch[]> {
  const out = new Map<string, InstalledMatch[]>();
  if (deviceIds.length === 0 || set.ids.length === 0) return out;
  const keys = db.select({ key: devices.key }).from(devices).where(inArray(devices.id, deviceIds));
  // A few ids: one index probe per (device, catalogue id) pair, not a pass over every install of
  // a popular package. Many (a wildcard such as lib*): each device's own installs are read once and
  // looked up in the set (the unary + keeps SQLite from probing per id), at 100,000 devices 14 ms
  // against 340 ms for 33,000 ids.
  const catalogueId =
    set.ids.length <= probedIds ? sql`${deviceSoftware.softwareId}` : sql`+${deviceSoftware.softwareId}`;
  const rows = db
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
    .where(and(inArray(deviceSoftware.deviceKey, keys), sql`${catalogueId} in ${idsIn(set.ids)}`))
    .orderBy(softwareCatalog.name, softwareCatalog.source, softwareCatalog.arch, softwareCatalog.version)
    .all();
  for (const r of rows) {
    const item: InstalledMatch = { source: r.source, name: r.name, version: r.version };
    if (r.arch) item.arch = r.arch;
    if (r.publisher) item.publisher = r.publisher;
    const list = out.get(r.deviceId);
    if (list) list.push(item);
    else out.set(r.deviceId, [item]);
  }
  return out;
}
