import type { ListDeclaration, SoftwareMatch } from '@stocktake/shared/api';
import { inRange, parseVersionRange } from '../../domain/licenses/versions.ts';
import { encodeKeyCursor } from '../../domain/lists/cursor.ts';
import { listRefused } from '../../domain/lists/list-query.ts';
import { compareVersionsOf, versionOrderOf } from '../../domain/versions/order.ts';

// What every engine's list queries decide alike, without SQL: which sort and filters a request
// names (refusing the rest, naming the parameter), the cursor of a page and what it was issued
// for, the patterns a person types, and which versions a software match takes.

/** How a sort field's values compare in a cursor: text (dates and instants included) or numbers. */
export type KeyType = 'string' | 'number';

/** A request for one page, as an engine's list query takes it. */
export interface PageRequest {
  limit: number;
  cursor?: string;
  sort: string;
  q?: string;
  filters: Record<string, unknown>;
}

/** The declared sort a request names (`field` or `-field`); an unknown one is refused naming `sort`. */
export function requestedSort<F>(
  list: ListDeclaration,
  sorts: Partial<Record<string, F>>,
  sort: string,
): { field: F; descending: boolean } {
  const descending = sort.startsWith('-');
  const name = descending ? sort.slice(1) : sort;
  const field = sorts[name];
  if (!field) throw listRefused('sort', `${list.name} cannot be sorted by ${name}`);
  return { field, descending };
}

/**
 * The key a cursor carries: the base64url JSON `[sort, value, id]` of the last item of a page,
 * good only for the sort it was issued for. Anything else is refused naming `cursor`.
 */
export function cursorKey(
  cursor: string,
  sort: string,
  sortType: KeyType,
  idType: KeyType,
): [string | number, string | number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === sort) {
      const [, value, id] = parsed as unknown[];
      if (typeof value === sortType && typeof id === idType) return [value as string | number, id as string | number];
    }
  } catch {
    // Not base64url JSON: refused below like any other cursor this list did not issue.
  }
  throw listRefused('cursor', 'Cursor is not one this list issued for this sort');
}

/**
 * The filters a request sets, each with the condition builder the list declares for it; a filter
 * the list does not declare is refused naming it.
 */
export function requestedFilters<F>(
  list: ListDeclaration,
  filters: Partial<Record<string, F>>,
  values: Record<string, unknown>,
): [F, unknown][] {
  const out: [F, unknown][] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const filter = filters[name];
    if (!filter) throw listRefused(name, `${list.name} cannot be filtered by ${name}`);
    out.push([filter, value]);
  }
  return out;
}

/** The text `q` searches for, trimmed; refused naming `q` on a list without a search. */
export function requestedSearch(list: ListDeclaration, searchable: boolean, q: string | undefined): string | undefined {
  if (q === undefined || q.trim() === '') return undefined;
  if (!searchable) throw listRefused('q', `${list.name} has no text search`);
  return q.trim();
}

/** Rows read for a page: one more than the limit, each with its sort value and id. */
export type PagedRow<Row> = Row & { __sort: unknown; __id: unknown };

/**
 * The page from the rows read (limit + 1 of them), without their paging columns, and the
 * cursor of the next page when there is one.
 */
export function pageOf<Row>(
  rows: PagedRow<Row>[],
  request: Pick<PageRequest, 'limit' | 'sort'>,
  sortType: KeyType,
): { rows: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  const key = (v: unknown) => (sortType === 'number' ? Number(v) : String(v));
  const nextCursor =
    rows.length > request.limit && last
      ? encodeKeyCursor([request.sort, key(last.__sort), last.__id as string | number])
      : null;
  return { rows: page.map(({ __sort: _s, __id: _i, ...row }) => row as Row), nextCursor };
}

/** `%text%` for LIKE … ESCAPE '\': the user's % and _ are literal. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A glob a person types (`*` any run, `?` one character) as a LIKE pattern escaped with `\`. */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/** A MAC as people type it (`3C-22-FB`, `3c22.fb7a`) in the form devices and assets store: lower case, colons. */
export function macSearchText(text: string): string | undefined {
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length < 4 || !/^[0-9a-f:.\-\s]+$/i.test(text)) return undefined;
  return hex.match(/.{1,2}/g)?.join(':');
}

/** The version parameters of a software match and the comparison each stands for. */
export const VERSION_OPS = {
  versionLt: '<',
  versionLte: '<=',
  versionGt: '>',
  versionGte: '>=',
} as const;

export type VersionOp = (typeof VERSION_OPS)[keyof typeof VERSION_OPS];

/**
 * Whether a catalogue entry's version passes a match's version parameters, in the order of its
 * package source (`compareVersionsOf`, the domain's own); undefined when the match names no
 * version. A version that is not a range is refused naming `version`.
 */
export function versionTest(match: SoftwareMatch): ((source: string, version: string) => boolean) | undefined {
  const tests: ((source: string, version: string) => boolean)[] = [];
  if (match.version !== undefined) {
    const range = parseVersionRange(match.version.trim());
    if (!range) throw listRefused('version', `"${match.version}" is not a version or a version range`);
    tests.push((source, version) => inRange(version, range, versionOrderOf(source)));
  }
  for (const [param, op] of Object.entries(VERSION_OPS) as [keyof typeof VERSION_OPS, VersionOp][]) {
    const bound = match[param];
    if (bound === undefined) continue;
    tests.push((source, version) => {
      const d = compareVersionsOf(source, version, bound);
      return op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
    });
  }
  if (tests.length === 0) return undefined;
  return (source, version) => tests.every((t) => t(source, version));
}

export { distinctVersions } from '../../domain/lists/distinct-versions.ts';
