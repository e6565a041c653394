import type Database from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import { compareVersions, parseVersionRange, type VersionRange } from '../../../domain/licenses/versions.ts';
import type { ListExpr } from '../lists/list-query.ts';

/** SQLite function comparing two versions as packages order them (`3.0.13` > `3.0.9`, epochs, `~`). */
export const VERSION_CMP = 'stocktake_version_cmp';

/** Makes `stocktake_version_cmp(a, b)` (-1, 0, 1) available to SQL on this connection. */
export function registerVersionCompare(sqlite: Database.Database): void {
  sqlite.function(VERSION_CMP, { deterministic: true }, (a: unknown, b: unknown) =>
    compareVersions(String(a ?? ''), String(b ?? '')),
  );
}

export type VersionOp = '<' | '<=' | '>' | '>=';

/** A version range as a person writes it: `3.0.13`, `<3.0.13`, `>=1.1 <1.2`, `3.*`, `1.x || >=2`. */
export function parseVersionQuery(text: string): VersionRange | undefined {
  return parseVersionRange(text.trim());
}

const fn = sql.raw(VERSION_CMP);

/** `column` compared to a version with a numeric-aware operator. */
export function versionCompare(column: ListExpr, op: VersionOp | '=', version: string): SQL {
  return sql`${fn}(${column}, ${version}) ${sql.raw(op)} 0`;
}

/** The range as SQL over a version column (needs registerVersionCompare on the connection). */
export function versionInRange(column: ListExpr, range: VersionRange): SQL {
  const alternatives = range.map((all) => {
    if (all.length === 0) return sql`1`;
    return sql.join(
      all.map((c) => {
        if (c.op === 'prefix') {
          if (c.prefix === '') return sql`1`;
          const p = c.prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
          return sql`(${column} = ${c.prefix} OR ${column} LIKE ${`${p}.%`} ESCAPE '\\' OR ${column} LIKE ${`${p}-%`} ESCAPE '\\')`;
        }
        return versionCompare(column, c.op, c.version);
      }),
      sql` AND `,
    );
  });
  return sql`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` OR `,
  )})`;
}
