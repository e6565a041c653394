import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../policies.ts';
import { ctx, inDays, lic } from '../rule-fixtures.ts';
import { shelfware } from './shelfware.rule.ts';

describe('shelfware', () => {
  const one = (used: number, termEnd: string | null) => lic({ used }, { seats: 10, termEnd });

  it('shelfware: at least the threshold unused when the term ends within the renewal horizon', () => {
    expect(shelfware(one(5, inDays(30)), ctx())?.facts).toMatchObject({ unused: 5 });
    expect(shelfware(one(6, inDays(30)), ctx())).toBeUndefined();
    expect(shelfware(one(0, null), ctx())).toBeUndefined();
    expect(shelfware(one(0, inDays(91)), ctx())).toBeUndefined();
    expect(shelfware(one(0, inDays(-1)), ctx())).toBeUndefined();
    expect(shelfware(one(0, inDays(0)), ctx())).toBeDefined();
    const strict = resolvePolicy({ shelfware: { minUnusedSeats: 1, renewalHorizonDays: 200 } });
    expect(shelfware(one(9, inDays(150)), ctx(strict))).toBeDefined();
  });

  it('counts the pooled position, but no more unused seats than the renewing orders hold', () => {
    // 10 perpetual + 3 renewing seats, 4 used: 9 unused, of which only the renewing 3 can go.
    const pooled = (renewingSeats: number) =>
      lic(
        { used: 4, product: 'Acrobat' },
        { id: 'perpetual', orderNumber: 'PO-1', seats: 10 },
        { id: 'yearly', orderNumber: 'PO-2', seats: renewingSeats, termEnd: inDays(20) },
      );
    expect(shelfware(pooled(3), ctx())).toBeUndefined();
    expect(shelfware(pooled(6), ctx())).toMatchObject({
      subjectKind: 'product',
      subjectId: 'Acrobat',
      subKey: 'per_device',
      summary: `Acrobat: 6 seats of 16 unused, renews ${inDays(20)} (order PO-2)`,
      facts: { seats: 16, used: 4, unused: 6, termEnd: inDays(20) },
    });
  });
});
