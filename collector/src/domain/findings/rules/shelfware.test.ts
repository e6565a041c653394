import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../policies.ts';
import { ctx, inDays, lic } from '../rule-fixtures.ts';
import { shelfware } from './shelfware.rule.ts';

describe('shelfware', () => {
  it('shelfware: at least the threshold unused when the term ends within the renewal horizon', () => {
    expect(shelfware(lic({ used: 5, termEnd: inDays(30) }), ctx())?.facts).toMatchObject({ unused: 5 });
    expect(shelfware(lic({ used: 6, termEnd: inDays(30) }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: null }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: inDays(91) }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: inDays(-1) }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: inDays(0) }), ctx())).toBeDefined();
    const strict = resolvePolicy({ shelfware: { minUnusedSeats: 1, renewalHorizonDays: 200 } });
    expect(shelfware(lic({ used: 9, termEnd: inDays(150) }), ctx(strict))).toBeDefined();
  });
});
