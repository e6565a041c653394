import type { ListDeclaration, ListFilters, SortKey } from '@stocktake/shared/api';
import { ValidationError } from '../errors.ts';

/**
 * A request for one page of a list, whatever the engine: the declared filters with typed values
 * (a pattern such as `osVersion=22.04*`, an exact id, one of an enumeration, a flag, a number of
 * days, a date), `q`, a sort key (`field` or `-field`), the cursor of the previous page and a limit.
 */
export interface ListQuery<D extends ListDeclaration> {
  filters: ListFilters<D>;
  q?: string;
  sort: SortKey<D>;
  /** nextCursor of the previous page, issued for the same sort; opaque to everyone but its engine. */
  cursor?: string;
  limit: number;
}

/** One page of a list and the cursor of the next (null on the last). */
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/**
 * A listable resource as storage provides it. An engine refuses what it cannot answer (an
 * unknown sort or filter, a cursor it did not issue, a malformed version range) with a
 * ValidationError naming the query parameter.
 */
export interface Lister<Item, Query> {
  list(query: Query): Promise<Page<Item>>;
}

/** The refusal of a list request, naming the parameter at fault. */
export function listRefused(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ field, message }]);
}
