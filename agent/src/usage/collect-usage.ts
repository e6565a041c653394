import { statSync } from 'node:fs';
import {
  compareUsage,
  type SoftwareItem,
  type SoftwareSource,
  type Usage,
  type UsageEntry,
  type UsageSourceState,
  usageKey,
} from '@stocktake/shared/core';
import type { CollectContext } from '../collectors/types.ts';
import type { SeenState } from './process-sampler.ts';
import type { FileTimes, UsageCollector, UsageContext } from './types.ts';

/** A collector's context with file times and a clock: what usage sources read. */
export function usageContext(ctx: CollectContext, now: () => Date = () => new Date()): UsageContext {
  return {
    ...ctx,
    now,
    fileTimes(path: string): FileTimes | undefined {
      try {
        const s = statSync(path);
        return { atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
      } catch {
        return undefined;
      }
    },
  };
}

/** The later of two entries for one key; on the same day, seeing it run beats an inference. */
function later(a: UsageEntry | undefined, b: UsageEntry): UsageEntry {
  if (!a || b.lastUsed > a.lastUsed) return b;
  if (b.lastUsed === a.lastUsed && b.via === 'process' && a.via !== 'process') return b;
  return a;
}

/** Two sources of one via as one: the earlier since, and every software source either covers. */
function oneSource(a: UsageSourceState, b: UsageSourceState): UsageSourceState {
  const since = a.since.localeCompare(b.since) <= 0 ? a.since : b.since;
  // Without covers a source sees every software source, and so does the pair.
  if (!a.covers || !b.covers) return { via: a.via, since };
  return { via: a.via, since, covers: [...new Set([...a.covers, ...b.covers])].sort() };
}

/**
 * The usage part of a snapshot: every source of this platform that is present, plus what
 * `run`'s sampling saw, kept only for items installed now, one entry per (item, user) with the
 * latest day. A failing source is logged and left out; it never fails the inventory.
 */
export async function collectUsage(options: {
  collectors: readonly UsageCollector[];
  ctx: UsageContext;
  software: readonly SoftwareItem[];
  /** What sampling saw, and the software sources its process list can map programs to. */
  seen?: SeenState & { covers: readonly SoftwareSource[] };
}): Promise<Usage> {
  const { ctx, software } = options;
  const installed = new Set(software.map((s) => usageKey({ source: s.source, name: s.name, arch: s.arch })));
  // dpkg's file list of a package installed for one arch only is named without it.
  const archOf = new Map(software.map((s) => [usageKey({ source: s.source, name: s.name }), s.arch]));
  const sources: UsageSourceState[] = [];
  const byKey = new Map<string, UsageEntry>();
  const keep = (found: UsageEntry) => {
    let entry = found;
    if (entry.arch === undefined) {
      const arch = archOf.get(usageKey({ source: entry.source, name: entry.name }));
      if (arch !== undefined) entry = { ...entry, arch };
    }
    if (!installed.has(usageKey({ source: entry.source, name: entry.name, arch: entry.arch }))) return;
    const key = usageKey(entry);
    byKey.set(key, later(byKey.get(key), entry));
  };
  for (const collector of options.collectors) {
    if (!collector.platforms.includes(ctx.platform)) continue;
    try {
      if (!(await collector.detect(ctx))) continue;
      const found = await collector.collect(ctx, software);
      sources.push(found.source);
      for (const e of found.entries) keep(e);
    } catch (err) {
      ctx.log.warn({ err, collector: collector.name }, 'usage source failed');
    }
  }
  if (options.seen) {
    sources.push({ via: 'process', since: options.seen.since, covers: [...options.seen.covers] });
    for (const e of options.seen.entries) keep(e);
  }
  // Two sources of one kind (dpkg's and rpm's access times on one machine) are one, since the
  // earlier, covering what either covers.
  const byVia = new Map<string, UsageSourceState>();
  for (const s of sources) {
    const known = byVia.get(s.via);
    byVia.set(s.via, known ? oneSource(known, s) : s);
  }
  const merged = [...byVia.values()].sort((a, b) => (a.via < b.via ? -1 : a.via > b.via ? 1 : 0));
  return { sources: merged, entries: [...byKey.values()].sort(compareUsage) };
}
