import { type CatalogueEntry, SOFTWARE_LIST, type SoftwareMatch } from '@stocktake/shared/api';
import type Database from 'better-sqlite3';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { listRefused } from '../../../domain/lists/list-query.ts';
import { globToLike, VERSION_OPS, type VersionOp } from '../../common/list-paging.ts';
import { likeAny, textFilter } from '../lists/filters.ts';
import type { ListFilter, ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';
import { parseVersionQuery, registerVersionCompare, versionCompare, versionInRange } from './version-sql.ts';

export type { SoftwareMatch };

/** Conditions over `software_catalog` for a match; a version that is not a range is refused naming the parameter. */
export function softwareMatchConditions(match: SoftwareMatch): SQL[] {
  const out: SQL[] = [];
  if (match.name !== undefined) out.push(sql`${softwareCatalog.name} LIKE ${globToLike(match.name)} ESCAPE '\\'`);
  if (match.publisher !== undefined) {
    out.push(sql`${softwareCatalog.publisher} LIKE ${globToLike(match.publisher)} ESCAPE '\\'`);
  }
  if (match.source !== undefined) out.push(eq(softwareCatalog.source, match.source));
  if (match.version !== undefined) {
    const range = parseVersionQuery(match.version);
    if (!range) throw listRefused('version', `"${match.version}" is not a version or a version range`);
    out.push(versionInRange(softwareCatalog.source, softwareCatalog.version, range));
  }
  for (const [param, op] of Object.entries(VERSION_OPS) as [keyof typeof VERSION_OPS, VersionOp][]) {
    const v = match[param];
    if (v !== undefined) out.push(versionCompare(softwareCatalog.source, softwareCatalog.version, op, v));
  }
  return out;
}

/** One catalogue condition as a list filter. */
const matchFilter =
  (param: keyof SoftwareMatch): ListFilter =>
  (value: string) =>
    and(...softwareMatchConditions({ [param]: value }));

const installs = sql<number>`(select count(*) from ${deviceSoftware} where ${deviceSoftware.softwareId} = ${softwareCatalog.id})`;

/**
 * The software catalogue: every distinct package version with the number of devices that have
 * it now, filtered by name, publisher, source and version (in each package source's order).
 */
export function createSoftwareList(
  db: Db,
  sqlite: Database.Database,
): ListSpec<CatalogueEntry, CatalogueEntry, typeof SOFTWARE_LIST> {
  registerVersionCompare(sqlite);
  return {
    list: SOFTWARE_LIST,
    id: { expr: softwareCatalog.id, type: 'number' },
    sorts: {
      name: { expr: softwareCatalog.name, type: 'string', notNull: true },
      publisher: { expr: softwareCatalog.publisher, type: 'string' },
      source: { expr: softwareCatalog.source, type: 'string', notNull: true },
      // As text, not in version order.
      version: { expr: softwareCatalog.version, type: 'string', notNull: true },
      installs: { expr: installs, type: 'number', notNull: true },
    },
    filters: {
      name: matchFilter('name'),
      publisher: matchFilter('publisher'),
      source: matchFilter('source'),
      arch: textFilter(softwareCatalog.arch),
      version: matchFilter('version'),
      versionLt: matchFilter('versionLt'),
      versionLte: matchFilter('versionLte'),
      versionGt: matchFilter('versionGt'),
      versionGte: matchFilter('versionGte'),
      includeUninstalled: (all: boolean) =>
        all
          ? undefined
          : sql`exists (select 1 from ${deviceSoftware} where ${deviceSoftware.softwareId} = ${softwareCatalog.id})`,
    },
    search: (pattern) => likeAny([softwareCatalog.name, softwareCatalog.publisher, softwareCatalog.version], pattern),
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({
          id: softwareCatalog.id,
          source: softwareCatalog.source,
          name: softwareCatalog.name,
          version: softwareCatalog.version,
          arch: sql<string | null>`nullif(${softwareCatalog.arch}, '')`,
          publisher: softwareCatalog.publisher,
          installs,
          ...paging,
        })
        .from(softwareCatalog)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all(),
    toItems: (rows) => rows,
  };
}
