import type { Lister, Page } from './list-query.ts';

/** Page size of a whole-list read: memory stays one page, however long the list. */
export const EXPORT_PAGE_SIZE = 500;

/**
 * Every item a query matches, page by page, following cursors (CSV exports): the same for every
 * engine, since it asks the port only for pages.
 */
export async function* allPages<Item, Query extends { limit: number; cursor?: string }>(
  lister: Lister<Item, Query>,
  query: Omit<Query, 'limit' | 'cursor'>,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<Item[]> {
  let cursor: string | undefined;
  for (;;) {
    const page: Page<Item> = await lister.list({
      ...query,
      limit: pageSize,
      ...(cursor !== undefined ? { cursor } : {}),
    } as Query);
    if (page.items.length > 0) yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
