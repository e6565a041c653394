import { SoftwareSourceSchema } from '@stocktake/shared';
import type Database from 'better-sqlite3';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import Type from 'typebox';
import { booleanFilter, customFilter, likeAny, textFilter } from '../lists/filters.ts';
import { type ListFilter, ListQueryError, type ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';
import {
  parseVersionQuery,
  registerVersionCompare,
  type VersionOp,
  versionCompare,
  versionInRange,
} from './version-sql.ts';

export interface CatalogueEntry {
  id: number;
  source: string;
  name: string;
  version: string;
  arch: string | null;
  publisher: string | null;
  /** Devices that have this exact package version now. */
  installs: number;
}

/** Which package versions a query names: by name, publisher, source and version. */
export type SoftwareMatch = {
  name?: string;
  publisher?: string;
  source?: string;
  version?: string;
  versionLt?: string;
  versionLte?: string;
  versionGt?: string;
  versionGte?: string;
};

const VERSION_OPS: Record<'versionLt' | 'versionLte' | 'versionGt' | 'versionGte', VersionOp> = {
  versionLt: '<',
  versionLte: '<=',
  versionGt: '>',
  versionGte: '>=',
};

const VERSION_TEXT = Type.String({ minLength: 1, maxLength: 128 });

/** Query-string schemas of a software match (the catalogue's filters and who-has's parameters). */
export const softwareMatchSchemas = {
  name: Type.String({
    minLength: 1,
    maxLength: 512,
    description: 'Package name; case-insensitive, * and ? wildcards.',
  }),
  publisher: Type.String({
    minLength: 1,
    maxLength: 512,
    description: 'Publisher; case-insensitive, * and ? wildcards.',
  }),
  source: Type.Union(SoftwareSourceSchema.anyOf, { description: 'Package source: dpkg, rpm, registry, ...' }),
  version: Type.String({
    minLength: 1,
    maxLength: 255,
    description:
      'Version or range, compared as package managers do (3.0.13 > 3.0.9): `3.0.13`, `<3.0.13`, `>=1.1 <1.2`, `3.*`, `1.x || >=2`.',
  }),
  versionLt: { ...VERSION_TEXT, description: 'Versions older than this.' },
  versionLte: { ...VERSION_TEXT, description: 'Versions at most this.' },
  versionGt: { ...VERSION_TEXT, description: 'Versions newer than this.' },
  versionGte: { ...VERSION_TEXT, description: 'Versions at least this.' },
};

const glob = (v: string) =>
  v
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');

/** Conditions over `software_catalog` for a match; a version that is not a range is refused naming the parameter. */
export function softwareMatchConditions(match: SoftwareMatch): SQL[] {
  const out: SQL[] = [];
  if (match.name !== undefined) out.push(sql`${softwareCatalog.name} LIKE ${glob(match.name)} ESCAPE '\\'`);
  if (match.publisher !== undefined) {
    out.push(sql`${softwareCatalog.publisher} LIKE ${glob(match.publisher)} ESCAPE '\\'`);
  }
  if (match.source !== undefined) out.push(eq(softwareCatalog.source, match.source));
  if (match.version !== undefined) {
    const range = parseVersionQuery(match.version);
    if (!range) throw new ListQueryError('version', `"${match.version}" is not a version or a version range`);
    out.push(versionInRange(softwareCatalog.version, range));
  }
  for (const [param, op] of Object.entries(VERSION_OPS) as [keyof typeof VERSION_OPS, VersionOp][]) {
    const v = match[param];
    if (v !== undefined) out.push(versionCompare(softwareCatalog.version, op, v));
  }
  return out;
}

/** One catalogue condition as a list filter. */
const matchFilter = (param: keyof SoftwareMatch): ListFilter =>
  customFilter(softwareMatchSchemas[param], (value: string) => and(...softwareMatchConditions({ [param]: value })));

const installs = sql<number>`(select count(*) from ${deviceSoftware} where ${deviceSoftware.softwareId} = ${softwareCatalog.id})`;

/**
 * The software catalogue: every distinct package version with the number of devices that have
 * it now, filtered by name, publisher, source and version (numeric-aware).
 */
export function createSoftwareList(db: Db, sqlite: Database.Database): ListSpec<CatalogueEntry, CatalogueEntry> {
  registerVersionCompare(sqlite);
  return {
    name: 'software',
    defaultSort: 'name',
    id: { expr: softwareCatalog.id, type: 'number' },
    sorts: {
      name: { expr: softwareCatalog.name, type: 'string', notNull: true },
      publisher: { expr: softwareCatalog.publisher, type: 'string' },
      source: { expr: softwareCatalog.source, type: 'string', notNull: true },
      version: { expr: softwareCatalog.version, type: 'string', notNull: true, description: 'As text.' },
      installs: { expr: installs, type: 'number', notNull: true },
    },
    filters: {
      name: matchFilter('name'),
      publisher: matchFilter('publisher'),
      source: matchFilter('source'),
      arch: textFilter(softwareCatalog.arch, 'Architecture (amd64, x86_64, arm64; empty for none).'),
      version: matchFilter('version'),
      versionLt: matchFilter('versionLt'),
      versionLte: matchFilter('versionLte'),
      versionGt: matchFilter('versionGt'),
      versionGte: matchFilter('versionGte'),
      includeUninstalled: booleanFilter(
        'Also versions no device has any more (the catalogue keeps them for history).',
        (all) =>
          all
            ? undefined
            : sql`exists (select 1 from ${deviceSoftware} where ${deviceSoftware.softwareId} = ${softwareCatalog.id})`,
      ),
    },
    search: {
      description: 'Name, publisher or version contains the text.',
      where: (pattern) => likeAny([softwareCatalog.name, softwareCatalog.publisher, softwareCatalog.version], pattern),
    },
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
