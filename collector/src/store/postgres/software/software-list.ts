import { type CatalogueEntry, SOFTWARE_LIST, type SoftwareMatch } from '@stocktake/shared/api';
import { and, type SQL, sql } from 'drizzle-orm';
import type { Lister } from '../../../domain/lists/list-query.ts';
import type { SoftwareListQuery } from '../../../domain/lists/ports.ts';
import { VERSION_OPS } from '../../common/list-paging.ts';
import type { Db } from '../connection.ts';
import { likeAny, textFilter } from '../lists/filters.ts';
import { type ListSpec, listConditions, runList } from '../lists/list-query.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';
import { catalogueConditions, idArray, matchingCatalogueIds } from './catalogue-match.ts';

/** The version parameters of the catalogue's filters: answered by catalogue ids (matchingCatalogueIds). */
const VERSION_PARAMS = ['version', ...Object.keys(VERSION_OPS)] as (keyof typeof VERSION_OPS | 'version')[];
type VersionParam = (typeof VERSION_PARAMS)[number];

const {
  version: _v,
  versionLt: _lt,
  versionLte: _lte,
  versionGt: _gt,
  versionGte: _gte,
  ...CATALOGUE_FILTERS
} = SOFTWARE_LIST.filters;

/** The catalogue as SQL answers it: every declared filter but the versions. */
const CATALOGUE_LIST = { ...SOFTWARE_LIST, filters: CATALOGUE_FILTERS };

const installs = sql<number>`(select count(*) from ${deviceSoftware} where ${deviceSoftware.softwareId} = ${softwareCatalog.id})`;

const matchFilter = (param: 'name' | 'publisher' | 'source') => (value: string) =>
  and(...catalogueConditions({ [param]: value }));

function createCatalogueList(db: Db): ListSpec<CatalogueEntry, CatalogueEntry, typeof CATALOGUE_LIST> {
  return {
    list: CATALOGUE_LIST,
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
        .limit(limit),
    // count(*) is a bigint, which the driver reads as text.
    toItems: (rows) => rows.map((r) => ({ ...r, installs: Number(r.installs) })),
  };
}

/**
 * The software catalogue: every distinct package version with the number of devices that have
 * it now, filtered by name, publisher, source and version (in each package source's order).
 * The versions are tested in the collector over the catalogue rows the other filters leave,
 * and the page is then read by their ids.
 */
export function createSoftwareLister(db: Db): Lister<CatalogueEntry, SoftwareListQuery> {
  const spec = createCatalogueList(db);
  return {
    async list(query) {
      const filters: Record<string, unknown> = { ...query.filters };
      const versions: Pick<SoftwareMatch, VersionParam> = {};
      for (const param of VERSION_PARAMS) {
        const value = filters[param];
        delete filters[param];
        if (typeof value === 'string') versions[param] = value;
      }
      const request = {
        sort: query.sort,
        filters,
        limit: query.limit,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
      };
      const base: SQL[] = [];
      if (Object.keys(versions).length > 0) {
        const where = and(...listConditions(spec, request, new Date()));
        base.push(sql`${softwareCatalog.id} = any(${idArray(await matchingCatalogueIds(db, where, versions))})`);
      }
      return runList(spec, { ...request, base });
    },
  };
}
