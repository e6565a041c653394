import { type SQL, sql } from 'drizzle-orm';
import Type, { type TSchema } from 'typebox';
import type { ListExpr, ListFilter } from './list-query.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A glob a person types (`*` any run, `?` one character) as a LIKE pattern escaped with `\`. */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

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
export function textFilter(expr: ListExpr, description: string, maxLength = 255): ListFilter {
  return {
    schema: Type.String({
      minLength: 1,
      maxLength,
      description: `${description} Case-insensitive; * and ? are wildcards.`,
    }),
    where: (value: string) => like(expr, globToLike(value)),
  };
}

/** Text equal to the value exactly (identifiers). */
export function exactFilter(expr: ListExpr, description: string, maxLength = 128): ListFilter {
  return {
    schema: Type.String({ minLength: 1, maxLength, description }),
    where: (value: string) => sql`${expr} = ${value}`,
  };
}

/** One of a fixed set of values. */
export function enumFilter(expr: ListExpr, values: readonly string[], description: string): ListFilter {
  return {
    schema: Type.Enum([...values], { description }),
    where: (value: string) => sql`${expr} = ${value}`,
  };
}

/** A condition that holds or not (`linked=true`), as given by `when`. */
export function booleanFilter(description: string, when: (value: boolean) => SQL | undefined): ListFilter {
  return { schema: Type.Boolean({ description }), where: when };
}

/** At least this number. */
export function minimumFilter(expr: ListExpr, description: string): ListFilter {
  return {
    schema: Type.Integer({ minimum: 0, description }),
    where: (value: number) => sql`${expr} >= ${value}`,
  };
}

/** An ISO timestamp column older than N days (`notSeenDays=30`); nulls count as older. */
export function olderThanDaysFilter(expr: ListExpr, description: string): ListFilter {
  return {
    schema: Type.Integer({ minimum: 0, maximum: 36_500, description }),
    where: (days: number, now: Date) => {
      const limit = new Date(now.getTime() - days * DAY_MS).toISOString();
      return sql`(${expr} < ${limit} OR ${expr} IS NULL)`;
    },
  };
}

/** An ISO timestamp column within the last N days. */
export function withinDaysFilter(expr: ListExpr, description: string): ListFilter {
  return {
    schema: Type.Integer({ minimum: 0, maximum: 36_500, description }),
    where: (days: number, now: Date) => sql`${expr} >= ${new Date(now.getTime() - days * DAY_MS).toISOString()}`,
  };
}

/** A calendar date column (YYYY-MM-DD) on or before the given date. */
export function dateBeforeFilter(expr: ListExpr, description: string): ListFilter {
  return {
    schema: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description }),
    where: (date: string) => sql`${expr} <= ${date}`,
  };
}

/** A filter with its own schema and condition. */
export function customFilter<T>(schema: TSchema, where: (value: T, now: Date) => SQL | undefined): ListFilter {
  return { schema, where };
}
