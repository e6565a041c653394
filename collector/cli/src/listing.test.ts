import { describe, expect, it } from 'vitest';
import { readPages } from './listing.ts';

/** A list of `total` numbers served in pages, recording the limits asked for. */
function source(total: number) {
  const asked: number[] = [];
  const read = async (limit: number, cursor: string | undefined) => {
    asked.push(limit);
    const start = cursor ? Number(cursor) : 0;
    const items = Array.from({ length: Math.min(limit, total - start) }, (_, i) => start + i);
    const next = start + items.length;
    return { items, nextCursor: next < total ? String(next) : null };
  };
  return { read, asked };
}

describe('readPages', () => {
  it('stops exactly at the limit, so nextCursor continues after the last row shown', async () => {
    const s = source(1200);
    const page = await readPages(s.read, { limit: 700 });
    expect(page.items).toHaveLength(700);
    expect(page.items.at(-1)).toBe(699);
    expect(page.nextCursor).toBe('700');
    expect(s.asked).toEqual([500, 200]);
  });

  it('follows every page with --all and continues from a cursor', async () => {
    const s = source(1200);
    const all = await readPages(s.read, { limit: 'all' });
    expect(all.items).toHaveLength(1200);
    expect(all.nextCursor).toBeNull();
    const rest = await readPages(source(1200).read, { limit: 50, cursor: '1190' });
    expect(rest.items).toEqual([1190, 1191, 1192, 1193, 1194, 1195, 1196, 1197, 1198, 1199]);
    expect(rest.nextCursor).toBeNull();
  });
});
