import type { SoftwareItem, UsageSourceState } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { addDays } from '../findings/rule.ts';
import { classifyUse, sourcesCovering, usageCutoffs } from './classify.ts';
import { deviceUsageView } from './device-usage.ts';

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

describe('an install without a recorded use', () => {
  const policy = { usage: { usedWithinDays: 30, unusedAfterDays: 90 } };
  const now = new Date('2026-12-07T12:00:00Z');
  const software: SoftwareItem[] = [
    { source: 'app_bundle', name: 'Keynote', version: '14.2', installLocation: '/Applications/Keynote.app' },
    { source: 'homebrew', name: 'git', version: '2.47.1', installLocation: '/opt/homebrew/Cellar/git/2.47.1' },
  ];
  const classes = (sources: UsageSourceState[]) =>
    deviceUsageView('mac', software, { deviceId: 'mac', sources, entries: [] }, policy, now).items.map((i) => [
      i.name,
      i.class,
    ]);

  it('is unused only where a source that sees its kind spoke long enough: a Mac sampled for 120 days', () => {
    const sampled: UsageSourceState = { via: 'process', since: '2026-08-09', covers: ['app_bundle'] };
    expect(classes([sampled])).toEqual([
      ['Keynote', 'unused'],
      ['git', 'unknown'],
    ]);
    // Spotlight read today adds nothing for git; a source without covers speaks for every kind.
    expect(classes([sampled, { via: 'spotlight', since: '2026-12-07', covers: ['app_bundle'] }])).toEqual([
      ['Keynote', 'unused'],
      ['git', 'unknown'],
    ]);
    expect(classes([{ via: 'process', since: '2026-08-09' }])).toEqual([
      ['Keynote', 'unused'],
      ['git', 'unused'],
    ]);
  });
});

describe('sourcesCovering', () => {
  const spotlight: UsageSourceState = { via: 'spotlight', since: '2026-12-07', covers: ['app_bundle'] };
  const wide: UsageSourceState = { via: 'process', since: '2026-01-01', covers: ['app_bundle', 'homebrew_cask'] };
  const old: UsageSourceState = { via: 'atime', since: '2024-01-01' };

  it('keeps the sources that see every kind asked for (a product matched from several), and no usage stays null', () => {
    expect(sourcesCovering([spotlight, wide, old], 'app_bundle')).toEqual([spotlight, wide, old]);
    expect(sourcesCovering([spotlight, wide, old], ['app_bundle', 'homebrew_cask'])).toEqual([wide, old]);
    expect(sourcesCovering([spotlight], ['homebrew'])).toEqual([]);
    expect(sourcesCovering(null, 'app_bundle')).toBeNull();
  });
});
