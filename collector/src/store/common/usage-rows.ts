import type { UsageEntry, UsageSourceState } from '@stocktake/shared';
import type { UsageClass, UsageVia } from '@stocktake/shared/api';
import type { CatalogueUse } from '../../domain/usage/ports.ts';

/** What every engine does with usage rows that is not SQL: the sources kept, and a row as an entry. */

interface EntryRow {
  source: string;
  name: string;
  arch: string;
  userName: string;
  lastUsed: string;
  via: string;
}

/**
 * Sources as kept: each via's earliest `since` ever reported, for the vias the device has now,
 * with the software sources each covers as last reported (absent: every one).
 */
export function keptSources(
  before: readonly UsageSourceState[] | null,
  now: readonly UsageSourceState[],
): UsageSourceState[] {
  return now
    .map((s) => {
      const was = before?.find((b) => b.via === s.via);
      const since = was && was.since < s.since ? was.since : s.since;
      return { via: s.via, since, ...(s.covers ? { covers: [...s.covers].sort() } : {}) };
    })
    .sort((a, b) => (a.via < b.via ? -1 : a.via > b.via ? 1 : 0));
}

export function entryOf(r: EntryRow): UsageEntry {
  return {
    source: r.source as UsageEntry['source'],
    name: r.name,
    ...(r.arch ? { arch: r.arch } : {}),
    ...(r.userName ? { user: r.userName } : {}),
    lastUsed: r.lastUsed,
    via: r.via as UsageVia,
  };
}

/** Installs counted per catalogue entry and class (as both engines' queries give them), as CatalogueUse by entry. */
export function countsByEntry(
  rows: readonly { softwareId: number | string; cls: UsageClass; n: number | string }[],
): Map<number, CatalogueUse> {
  const out = new Map<number, CatalogueUse>();
  const field = { used: 'used', rarely_used: 'rarelyUsed', unused: 'unused', unknown: 'unknown' } as const;
  for (const r of rows) {
    const softwareId = Number(r.softwareId);
    let counts = out.get(softwareId);
    if (!counts) {
      counts = { softwareId, used: 0, rarelyUsed: 0, unused: 0, unknown: 0 };
      out.set(softwareId, counts);
    }
    counts[field[r.cls]] += Number(r.n);
  }
  return out;
}
