import { describe, expect, it } from 'vitest';
import { allPages } from './all-pages.ts';
import type { Lister } from './list-query.ts';

type Query = { q: string; limit: number; cursor?: string };

/** A lister over the numbers 1..n, `limit` at a time, its cursor the last number shown. */
function numbers(n: number, asked: Query[]): Lister<number, Query> {
  return {
    async list(query) {
      asked.push(query);
      const from = query.cursor === undefined ? 1 : Number(query.cursor) + 1;
      const items = Array.from({ length: Math.max(0, Math.min(query.limit, n - from + 1)) }, (_, i) => from + i);
      const last = items.at(-1);
      return { items, nextCursor: last !== undefined && last < n ? String(last) : null };
    },
  };
}

async function collect(pages: AsyncGenerator<number[]>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('allPages', () => {
  it('follows cursors to the last page, asking with the same query each time', async () => {
    const asked: Query[] = [];
    expect(await collect(allPages(numbers(7, asked), { q: 'x' }, 3))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(asked).toEqual([
      { q: 'x', limit: 3 },
      { q: 'x', limit: 3, cursor: '3' },
      { q: 'x', limit: 3, cursor: '6' },
    ]);
  });

  it('yields nothing for an empty list, and asks once', async () => {
    const asked: Query[] = [];
    expect(await collect(allPages(numbers(0, asked), { q: 'x' }))).toEqual([]);
    expect(asked).toHaveLength(1);
  });

  it('passes on a refusal of the first page', async () => {
    const refusing: Lister<number, Query> = {
      list: async () => {
        throw new Error('refused');
      },
    };
    await expect(allPages(refusing, { q: 'x' }).next()).rejects.toThrow('refused');
  });
});
