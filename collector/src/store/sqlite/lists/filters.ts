import { type SQL, sql } from 'drizzle-orm';
import { globToLike } from '../../common/list-paging.ts';
import type { ListExpr, ListFilter } from './list-query.ts';

// The conditions behind the kinds of filter the API declares (`@stocktake/shared/api`'s list
// queries): each takes the value its declared schema produced.

const DAY_MS = 24 * 60 * 60 * 1000;

/** `expr LIKE pattern ESCAPE '\'`: SQLite's LIKE ignores case for ASCII letters. */
export function like(expr: ListExpr, pattern: string): SQL {
  return sql`${expr} LIKE ${pattern} ESCAPE '\\'`;
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

/** An ISO timestamp column older than N days (`notSeenDays=30`); nulls count as older. */
export const olderThanDaysFilter =
  (expr: ListExpr): ListFilter =>
  (days: number, now: Date) => {
    const limit = new Date(now.getTime() - days * DAY_MS).toISOString();
    return sql`(${expr} < ${limit} OR ${expr} IS NULL)`;
  };

/** An ISO timestamp column within the last N days. */
export const withinDaysFilter =
  (expr: ListExpr): ListFilter =>
  (days: number, now: Date) =>
    sql`${expr} >= ${new Date(now.getTime() - days * DAY_MS).toISOString()}`;

/** A calendar date column (YYYY-MM-DD) on or before the given date. */
export const dateBeforeFilter =
  (expr: ListExpr): ListFilter =>
  (date: string) =>
    sql`${expr} <= ${date}`;
