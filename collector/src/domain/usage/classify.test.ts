import { describe, expect, it } from 'vitest';
import { addDays } from '../findings/rule.ts';
import { classifyUse, usageCutoffs } from './classify.ts';

describe('usageCutoffs', () => {
  it('divides the classes on the days classifyUse does, around every boundary', () => {
    const policy = { usage: { usedWithinDays: 30, unusedAfterDays: 90 } };
    for (const now of [new Date('2026-12-07T00:00:00Z'), new Date('2026-12-07T23:59:59Z')]) {
      const c = usageCutoffs(policy, now);
      for (let back = 25; back <= 95; back += 1) {
        const day = addDays('2026-12-07', -back);
        const bySql = day >= c.usedFrom ? 'used' : day >= c.rarelyFrom ? 'rarely_used' : 'unused';
        expect(bySql, `last used ${day}`).toBe(classifyUse(day, [{ via: 'atime', since: '2020-01-01' }], policy, now));
        const covered = day <= c.coveredBy ? 'unused' : 'unknown';
        expect(covered, `sources since ${day}`).toBe(
          classifyUse(undefined, [{ via: 'atime', since: day }], policy, now),
        );
      }
    }
  });
});
