import { type SQL, sql } from 'drizzle-orm';
import { globToLike } from '../../common/list-paging.ts';
import type { ListExpr, ListFilter } from './list-query.ts';

// The conditions behind the kinds of filter the API declares (`@stocktake/shared/api`'s list
// queries), on PostgreSQL: patterns match ignoring case as SQLite's LIKE does (ILIKE), and
// instants are timestamptz, compared with the moment itself.

const DAY_MS = 24 * 60 * 60 * 1000;

/** `expr ILIKE pattern`, `\` escaping the person's own % and _. */
export function like(expr: ListExpr | SQL, pattern: string): SQL {
  return sql`${expr} ILIKE ${pattern} ESCAPE '\\'`;
}

/**
 * `lower(expr) LIKE lower(pattern)`: the same match as `like`, in the form an index on the
 * lower-cased column (with `text_pattern_ops`) serves for a pattern with a fixed start, where
 * ILIKE reads every row.
 */
export function likeLowered(expr: ListExpr | SQL, pattern: string): SQL {
  return sql`lower(${expr}) LIKE lower(${pattern}) ESCAPE '\\'`;
}

/** Any of the expressions contains the pattern (for `q`). */
export function likeAny(exprs: readonly ListExpr[], pattern: string): SQL {
  return sql`(${sql.join(
    exprs.map((e) => like(e, pattern)),
    sql` OR `,
  )})`;
}

/** Text equal to the value, ignoring case; `*` and `?` are wildcards (`osVersion=22.04*`). */
export const textFilter =
  (expr: ListExpr): ListFilter =>
  (value: string) =>
    like(expr, globToLike(value));

/** Equal to the value (identifiers, one of an enumeration). */
export const equalFilter =
  (expr: ListExpr): ListFilter =>
  (value: string) =>
    sql`${expr} = ${value}`;

/** At least this number. */
export const minimumFilter =
  (expr: ListExpr): ListFilter =>
  (value: number) =>
    sql`${expr} >= ${value}`;

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();

/** An instant older than N days (`notSeenDays=30`); nulls count as older. */
export const olderThanDaysFilter =
  (expr: ListExpr): ListFilter =>
  (days: number, now: Date) =>
    sql`(${expr} < ${daysBefore(now, days)}::timestamptz OR ${expr} IS NULL)`;

/** An instant within the last N days. */
export const withinDaysFilter =
  (expr: ListExpr): ListFilter =>
  (days: number, now: Date) =>
    sql`${expr} >= ${daysBefore(now, days)}::timestamptz`;

/** A calendar date column on or before the given date (YYYY-MM-DD). */
export const dateBeforeFilter =
  (expr: ListExpr): ListFilter =>
  (date: string) =>
    sql`${expr} <= ${date}::date`;
