import type Database from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import { parseVersionRange, type VersionRange } from '../../../domain/licenses/versions.ts';
import { compareVersionsOf } from '../../../domain/versions/order.ts';
import type { VersionOp } from '../../common/list-paging.ts';
import type { ListExpr } from '../lists/list-query.ts';

/**
 * SQLite function comparing two versions in the order of a package source:
 * `stocktake_version_cmp(source, a, b)` is -1, 0 or 1, by dpkg's order for dpkg packages, rpm's
 * for rpm packages, the generic order for the rest (`compareVersionsOf`). SQL compares with the
 * very function the domain uses, so a filter and a rule never disagree on which is older. An
 * engine that cannot call into JavaScript from SQL (PostgreSQL) narrows the catalogue by name in
 * SQL and tests the versions with the same function in the collector (`versionTest`); the list
 * contract's version cases hold every engine to it.
 */
export const VERSION_CMP = 'stocktake_version_cmp';

/** Makes `stocktake_version_cmp(source, a, b)` (-1, 0, 1) available to SQL on this connection. */
export function registerVersionCompare(sqlite: Database.Database): void {
  sqlite.function(VERSION_CMP, { deterministic: true }, (source: unknown, a: unknown, b: unknown) =>
    compareVersionsOf(typeof source === 'string' ? source : null, String(a ?? ''), String(b ?? '')),
  );
}

/** A version range as a person writes it: `3.0.13`, `<3.0.13`, `>=1.1 <1.2`, `3.*`, `1.x || >=2`. */
export function parseVersionQuery(text: string): VersionRange | undefined {
  return parseVersionRange(text.trim());
}

const fn = sql.raw(VERSION_CMP);

/** `column` compared to a version in the order of the package source in `source`. */
export function versionCompare(source: ListExpr, column: ListExpr, op: VersionOp | '=', version: string): SQL {
  return sql`${fn}(${source}, ${column}, ${version}) ${sql.raw(op)} 0`;
}

/** The range as SQL over a version column, in its source's order (needs registerVersionCompare on the connection). */
export function versionInRange(source: ListExpr, column: ListExpr, range: VersionRange): SQL {
  const alternatives = range.map((all) => {
    if (all.length === 0) return sql`1`;
    return sql.join(
      all.map((c) => {
        if (c.op === 'prefix') {
          if (c.prefix === '') return sql`1`;
          const p = c.prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
          return sql`(${column} = ${c.prefix} OR ${column} LIKE ${`${p}.%`} ESCAPE '\\' OR ${column} LIKE ${`${p}-%`} ESCAPE '\\')`;
        }
        return versionCompare(source, column, c.op, c.version);
      }),
      sql` AND `,
    );
  });
  return sql`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` OR `,
  )})`;
}
