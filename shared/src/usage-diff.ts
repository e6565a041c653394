import type { UsageEntry, UsageSourceState } from './usage.ts';

/**
 * Usage deltas without TypeBox, for the agent's core entry. Entries only move forward (a later
 * day), so a delta carries the entries new or changed since its base and the receiver merges
 * them; nothing is ever removed by a delta (an uninstalled item's usage goes with its install).
 */

interface UsageLike {
  sources: UsageSourceState[];
  entries: UsageEntry[];
}

/** The identity of an entry: `(source, name, arch, user)`. */
export function usageKey(e: Pick<UsageEntry, 'source' | 'name' | 'arch' | 'user'>): string {
  return `${e.source}\u0000${e.name}\u0000${e.arch ?? ''}\u0000${e.user ?? ''}`;
}

/** Canonical order: by key. */
export function compareUsage(a: UsageEntry, b: UsageEntry): number {
  const x = usageKey(a);
  const y = usageKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Two lists of covered software sources alike (absent is every source, unlike any list). */
const sameCovers = (a: UsageSourceState['covers'], b: UsageSourceState['covers']) =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((source) => b.includes(source));

/** A source whose reach changed is a change of sources, as much as one added or gone. */
const sameSources = (a: readonly UsageSourceState[], b: readonly UsageSourceState[]) =>
  a.length === b.length &&
  a.every((s, i) => s.via === b[i]?.via && s.since === b[i]?.since && sameCovers(s.covers, b[i]?.covers));

/**
 * `next` told as its changes against `base`: the entries new or with another day or source.
 * Undefined when nothing changed, so an unchanged machine's delta carries no usage at all.
 */
export function diffUsage(base: UsageLike | undefined, next: UsageLike): UsageLike | undefined {
  if (!base) return next;
  const before = new Map(base.entries.map((e) => [usageKey(e), e]));
  const entries = next.entries.filter((e) => {
    const was = before.get(usageKey(e));
    return !was || was.lastUsed !== e.lastUsed || was.via !== e.via;
  });
  if (entries.length === 0 && sameSources(base.sources, next.sources)) return undefined;
  return { sources: next.sources, entries };
}

/** `base` with `changes` applied: sources replaced, entries upserted by key, in canonical order. */
export function mergeUsage(base: UsageLike | undefined, changes: UsageLike): UsageLike {
  const byKey = new Map((base?.entries ?? []).map((e) => [usageKey(e), e]));
  for (const e of changes.entries) byKey.set(usageKey(e), e);
  return { sources: changes.sources, entries: [...byKey.values()].sort(compareUsage) };
}
