import type { SoftwareItem, UsageEntry, UsageSourceState } from '@stocktake/shared/core';
import type { CollectContext } from '../collectors/types.ts';

/** The times of a file that tell its use, in milliseconds since the epoch. */
export interface FileTimes {
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** What usage sources may read besides a collector's context: a file's times (stat never changes them). */
export interface UsageContext extends CollectContext {
  fileTimes(path: string): FileTimes | undefined;
  /** Today, for sources that can only say "seen now". */
  now(): Date;
}

/** What one usage source knows: since when it can speak, and the entries it found. */
export interface UsageFindings {
  source: UsageSourceState;
  entries: UsageEntry[];
}

/**
 * A source of software use on one OS (a folder in collectors/, like the inventory's sources).
 * It reads what the OS already keeps and maps it to the installed items the software section
 * found; it records the day only.
 */
export interface UsageCollector {
  /** Short, stable id used in logs (`package-atime`, `windows-bam`). */
  name: string;
  platforms: readonly NodeJS.Platform[];
  /** Whether the source exists and can be trusted on this machine (a noatime mount cannot). */
  detect(ctx: UsageContext): Promise<boolean>;
  collect(ctx: UsageContext, software: readonly SoftwareItem[]): Promise<UsageFindings>;
}

/** The UTC calendar day of an instant: the only precision usage travels with. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
