import type { CommandContext } from './command.ts';
import { UsageError } from './errors.ts';
import { DEFAULT_LIMIT, MAX_PAGE } from './flags.ts';
import type { ApiClient, Query } from './http-client.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListOptions {
  /** At most this many items, or every one. */
  limit: number | 'all';
  cursor?: string;
}

/** --limit, --all and --cursor of a list command. */
export function listOptions(ctx: CommandContext): ListOptions {
  const raw = ctx.flags.string('limit');
  const all = ctx.flags.bool('all');
  if (raw !== undefined && all) throw new UsageError('--limit and --all exclude each other');
  if (raw !== undefined && !/^[1-9]\d{0,6}$/.test(raw)) {
    throw new UsageError(`--limit must be a whole number from 1 (got "${raw}")`);
  }
  const cursor = ctx.flags.string('cursor');
  return { limit: all ? 'all' : raw === undefined ? DEFAULT_LIMIT : Number(raw), ...(cursor ? { cursor } : {}) };
}

/** Reads one page of at most `limit` items, after `cursor`. */
export type PageReader<T> = (limit: number, cursor: string | undefined) => Promise<Page<T>>;

/**
 * Follows a list's cursor until `limit` items or the end. Pages are sized to end exactly at the
 * limit, so the last page's nextCursor continues where the listing stopped.
 */
export async function readPages<T>(read: PageReader<T>, options: ListOptions): Promise<Page<T>> {
  const items: T[] = [];
  let cursor = options.cursor;
  for (;;) {
    const remaining = options.limit === 'all' ? MAX_PAGE : options.limit - items.length;
    const page = await read(Math.min(remaining, MAX_PAGE), cursor);
    items.push(...page.items);
    if (!page.nextCursor || (options.limit !== 'all' && items.length >= options.limit)) {
      return { items, nextCursor: page.nextCursor ?? null };
    }
    cursor = page.nextCursor;
  }
}

export function fetchList<T>(client: ApiClient, path: string, query: Query, options: ListOptions): Promise<Page<T>> {
  return readPages(
    (limit, cursor) => client.get<Page<T>>(path, { ...query, limit, ...(cursor ? { cursor } : {}) }),
    options,
  );
}
