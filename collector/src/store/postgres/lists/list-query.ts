import type { ListDeclaration } from '@stocktake/shared/api';
import { and, asc, desc, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Lister, ListQuery } from '../../../domain/lists/list-query.ts';
import {
  containsPattern,
  cursorKey,
  type PagedRow,
  type PageRequest,
  pageOf,
  requestedFilters,
  requestedSearch,
  requestedSort,
} from '../../common/list-paging.ts';

/** A column or expression a list sorts or pages by. */
export type ListExpr = PgColumn | SQL;

/**
 * A sort field: text, a number, or a moment or day (timestamptz and date columns, which the
 * cursor carries as text and PostgreSQL reads back in their type).
 */
export interface SortField {
  expr: ListExpr;
  type: 'string' | 'number' | 'instant';
  /**
   * Never NULL in this list's rows. Such a field is sorted and paged on the bare expression, so
   * an index on (field, id) gives the order and a page reads only its own rows; the others sort
   * through coalesce() with the smallest value of their type for NULL, as on SQLite.
   */
  notNull?: boolean;
}

/** The condition one declared filter adds for its value, or undefined when the value does not narrow the list. */
// biome-ignore lint/suspicious/noExplicitAny: each filter reads the value its own schema produced
export type ListFilter = (value: any, now: Date) => SQL | undefined;

export interface FetchArgs {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
  paging: { __sort: SQL; __id: SQL };
}

/**
 * How PostgreSQL answers one list the API declares: an expression for each declared sort, a
 * condition for each declared filter and for `q`, and how to read a page (the same shape as the
 * SQLite engine's, read asynchronously).
 */
export interface ListSpec<Row, Item, D extends ListDeclaration = ListDeclaration> {
  list: D;
  sorts: Record<D['sorts'][number], SortField>;
  /** The unique key that breaks ties and ends every ORDER BY. */
  id: { expr: ListExpr; type: 'string' | 'number' };
  filters: Record<keyof D['filters'], ListFilter>;
  /** What `q` matches: a condition for an ILIKE pattern (`%text%`, escaped with `\`). */
  search?: (pattern: string, text: string) => SQL;
  fetch(args: FetchArgs): Promise<PagedRow<Row>[]>;
  /** Turns a page of rows into API items (one query for their related data, not one per row). */
  toItems(rows: Row[]): Item[] | Promise<Item[]>;
}

export interface ListRequest extends PageRequest {
  /** Conditions the lister itself imposes (who-has's software, one device's changes), on top of the filters. */
  base?: SQL[];
}

// NULL sorts as the smallest value of its type, so keyset comparisons never meet a NULL.
const NULL_OF: Record<SortField['type'], SQL> = {
  string: sql`''`,
  number: sql`(-9007199254740991)::bigint`,
  instant: sql`'-infinity'`,
};

function nonNull(field: SortField): SQL {
  return field.notNull ? sql`${field.expr}` : sql`coalesce(${field.expr}, ${NULL_OF[field.type]})`;
}

/** The sort value as the cursor carries it: instants and days as text, which PostgreSQL casts back. */
function cursorValue(field: SortField, expr: SQL): SQL {
  return field.type === 'instant' ? sql`(${expr})::text` : expr;
}

/** The conditions of a request (filters and `q`, no paging). */
export function listConditions<Row, Item, D extends ListDeclaration>(
  spec: ListSpec<Row, Item, D>,
  request: Pick<ListRequest, 'q' | 'filters' | 'base'>,
  now: Date,
): SQL[] {
  const conditions: SQL[] = [...(request.base ?? [])];
  for (const [filter, value] of requestedFilters<ListFilter>(spec.list, spec.filters, request.filters)) {
    const condition = filter(value, now);
    if (condition) conditions.push(condition);
  }
  const text = requestedSearch(spec.list, spec.search !== undefined, request.q);
  if (text !== undefined && spec.search) conditions.push(spec.search(containsPattern(text), text));
  return conditions;
}

/**
 * One page of a list: filtered, sorted by a declared field then the id, after the cursor (a
 * keyset: the row comparison reads on from the last item of the previous page, never an OFFSET).
 */
export async function runList<Row, Item, D extends ListDeclaration>(
  spec: ListSpec<Row, Item, D>,
  request: ListRequest,
  now = new Date(),
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const { field, descending } = requestedSort<SortField>(spec.list, spec.sorts, request.sort);
  const sortExpr = nonNull(field);
  const conditions = listConditions(spec, request, now);
  const keyType = field.type === 'number' ? 'number' : 'string';
  if (request.cursor !== undefined) {
    const [value, id] = cursorKey(request.cursor, request.sort, keyType, spec.id.type);
    // A row comparison: one index range on (sort, id) rather than an OR the planner cannot use.
    const cmp = descending ? sql`<` : sql`>`;
    conditions.push(sql`(${sortExpr}, ${spec.id.expr}) ${cmp} (${value}, ${id})`);
  }
  const order = descending ? desc : asc;
  const rows = await spec.fetch({
    where: conditions.length > 0 ? and(...conditions) : undefined,
    orderBy: [order(sortExpr), order(sql`${spec.id.expr}`)],
    limit: request.limit + 1,
    paging: { __sort: cursorValue(field, sortExpr), __id: sql`${spec.id.expr}` },
  });
  const page = pageOf(rows, request, keyType);
  return { items: await spec.toItems(page.rows), nextCursor: page.nextCursor };
}

/**
 * A list spec as the domain's port: a page of the declared query, plus the conditions the lister
 * itself adds for the query's own parts (`base`: one device, the software of who-has).
 */
export function specLister<Row, Item, D extends ListDeclaration, Q extends ListQuery<D>>(
  spec: ListSpec<Row, Item, D>,
  base: (query: Q) => SQL[] | Promise<SQL[]> = () => [],
): Lister<Item, Q> {
  return {
    list: async (query) =>
      runList(spec, {
        sort: query.sort,
        filters: query.filters,
        limit: query.limit,
        base: await base(query),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
      }),
  };
}
