import type { UsageEntry, UsageSourceState } from '@stocktake/shared';
import type { UsageClass } from '@stocktake/shared/api';
import type { Policy } from '../findings/policies.ts';
import { addDays, daysSince, today } from '../findings/rule.ts';
import type { UsageCutoffs } from './ports.ts';

/**
 * An install's class from its last use (any user) and the device's usage sources that cover it
 * (`sourcesCovering`): used within
 * `usedWithinDays`, rarely used up to `unusedAfterDays`, unused beyond. Without a recorded use
 * it is unused only when the device's sources have spoken for longer than `unusedAfterDays`
 * (a source that started last week cannot say a program went unused for three months), and
 * unknown otherwise, or when the device has no usage source at all.
 */
export function classifyUse(
  lastUsed: string | undefined,
  sources: readonly UsageSourceState[] | null,
  policy: Pick<Policy, 'usage'>,
  now: Date,
): UsageClass {
  if (lastUsed) {
    const age = daysSince(`${lastUsed}T00:00:00Z`, new Date(`${today(now)}T00:00:00Z`));
    if (age <= policy.usage.usedWithinDays) return 'used';
    return age <= policy.usage.unusedAfterDays ? 'rarely_used' : 'unused';
  }
  if (!sources || sources.length === 0) return 'unknown';
  const [earliest = today(now)] = sources.map((s) => s.since).sort();
  const covered = daysSince(`${earliest}T00:00:00Z`, now);
  return covered > policy.usage.unusedAfterDays ? 'unused' : 'unknown';
}

/**
 * The device's usage sources that speak for an install from these software sources: those that
 * can see every one of them (a source without `covers` sees every source). A source blind to an
 * item's kind (macOS process sampling to a Homebrew formula typed in a shell) says nothing of it
 * by its silence. Null stays null: the device never sent usage.
 */
export function sourcesCovering(
  sources: readonly UsageSourceState[] | null,
  of: string | readonly string[],
): UsageSourceState[] | null {
  if (!sources) return null;
  const kinds = typeof of === 'string' ? [of] : of;
  return sources.filter((s) => {
    const covers: readonly string[] | undefined = s.covers;
    return !covers || kinds.every((k) => covers.includes(k));
  });
}

/**
 * classifyUse's thresholds as days, for an engine to classify in SQL: a last use on `today - used`
 * is `used`, on `today - unused` rarely used; a device's sources speak for more than `unused`
 * days when their earliest day is `today - (unused + 1)` or before.
 */
export function usageCutoffs(policy: Pick<Policy, 'usage'>, now: Date): UsageCutoffs {
  const day = today(now);
  return {
    usedFrom: addDays(day, -policy.usage.usedWithinDays),
    rarelyFrom: addDays(day, -policy.usage.unusedAfterDays),
    coveredBy: addDays(day, -(policy.usage.unusedAfterDays + 1)),
  };
}

/** The latest day among entries (undefined when none). */
export function latestUse(entries: readonly Pick<UsageEntry, 'lastUsed'>[]): string | undefined {
  let latest: string | undefined;
  for (const e of entries) if (latest === undefined || e.lastUsed > latest) latest = e.lastUsed;
  return latest;
}

/** Whether a class counts as use (a seat in use). */
export const inUse = (c: UsageClass) => c === 'used' || c === 'rarely_used';
