import { type ListDeclaration, sortKeys } from '@stocktake/shared/api';
import { and, asc, desc, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
  containsPattern,
  cursorKey,
  pageOf,
  requestedFilters,
  requestedSearch,
  requestedSort,
} from '../../common/list-paging.ts';

/** A column or expression a list sorts or pages by. */
export type ListExpr = SQLiteColumn | SQL;

export interface SortField {
  expr: ListExpr;
  type: 'string' | 'number';
  /**
   * Never NULL in this list's rows (a NOT NULL column of the list's own table, not of a
   * left-joined one). Such a field is sorted and paged on the bare expression, so an index on it
   * gives the order and a page reads only its own rows; others sort through coalesce(), which no
   * index serves, so every matching row is read and sorted first.
   */
  notNull?: boolean;
}

/**
 * The condition one declared filter adds for its value (typed by the filter's schema in the
 * declaration), or undefined when the value does not narrow the list.
 */
// biome-ignore lint/suspicious/noExplicitAny: each filter reads the value its own schema produced
export type ListFilter = (value: any, now: Date) => SQL | undefined;

/** The extra columns every list query selects, for paging. */
export interface PagingColumns {
  __sort: SQL;
  __id: SQL;
}

export interface FetchArgs {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
  paging: PagingColumns;
}

/**
 * How SQLite answers one list the API declares (`@stocktake/shared/api`): an expression for each
 * declared sort, a condition for each declared filter and for `q`, and how to read a page. Every
 * list (devices, assets, licenses, findings, software, audit) is one of these; the paging,
 * sorting and filtering around it are the same code for all.
 */
export interface ListSpec<Row, Item, D extends ListDeclaration = ListDeclaration> {
  /** What the list accepts, as the API declares it. */
  list: D;
  sorts: Record<D['sorts'][number], SortField>;
  /** The unique key that breaks ties and ends every ORDER BY. */
  id: { expr: ListExpr; type: 'string' | 'number' };
  filters: Record<keyof D['filters'], ListFilter>;
  /** What `q` matches (lists that declare a search): a condition for a LIKE pattern (`%text%`, escaped with `\`). */
  search?: (pattern: string, text: string) => SQL;
  /** Reads rows; each carries `__sort` and `__id` from `paging`. */
  fetch(args: FetchArgs): (Row & { __sort: unknown; __id: unknown })[];
  /** Turns a page of rows into API items (one query for their related data, not one per row). */
  toItems(rows: Row[]): Item[];
}

export interface ListRequest {
  limit: number;
  cursor?: string;
  sort: string;
  q?: string;
  filters: Record<string, unknown>;
  /** Conditions the lister itself imposes (a who-has query's software, one device's changes), on top of the filters. */
  base?: SQL[];
}

export type ListResult<Item> = { items: Item[]; nextCursor: string | null };

/** Sorts as a query string names them: `name` and `-name` for each allowed field. */
export function sortNames(spec: { list: ListDeclaration }): string[] {
  return sortKeys(spec.list);
}

// Nulls sort as the smallest value, so keyset comparisons never meet a NULL.
const NULL_STRING = '';
const NULL_NUMBER = -9_007_199_254_740_991;

function nonNull(field: SortField): SQL {
  if (field.notNull) return sql`${field.expr}`;
  return sql`coalesce(${field.expr}, ${field.type === 'string' ? NULL_STRING : NULL_NUMBER})`;
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
 * One page of a list: filtered, sorted by a declared field then the id, after the cursor.
 * The cursor is the base64url JSON `[sort, value, id]` of the page's last item, so it is only
 * good for the sort it was issued for. What it cannot answer is refused with a ValidationError.
 */
export function runList<Row, Item, D extends ListDeclaration>(
  spec: ListSpec<Row, Item, D>,
  request: ListRequest,
  now = new Date(),
): ListResult<Item> {
  const { field, descending } = requestedSort<SortField>(spec.list, spec.sorts, request.sort);
  const sortExpr = nonNull(field);
  const conditions = listConditions(spec, request, now);
  if (request.cursor !== undefined) {
    const [value, id] = cursorKey(request.cursor, request.sort, field.type, spec.id.type);
    const cmp = descending ? sql`<` : sql`>`;
    conditions.push(sql`(${sortExpr} ${cmp} ${value} OR (${sortExpr} = ${value} AND ${spec.id.expr} ${cmp} ${id}))`);
  }
  const order = descending ? desc : asc;
  const rows = spec.fetch({
    where: conditions.length > 0 ? and(...conditions) : undefined,
    orderBy: [order(sortExpr), order(sql`${spec.id.expr}`)],
    limit: request.limit + 1,
    paging: { __sort: sortExpr, __id: sql`${spec.id.expr}` },
  });
  const page = pageOf(rows, request, field.type);
  return { items: spec.toItems(page.rows), nextCursor: page.nextCursor };
}
