import { gunzipSync } from 'node:zlib';
import type { Snapshot } from '@stocktake/shared';

// How every engine thins a device's snapshot history: which snapshots go, decided alike.

/**
 * How far back from its cutoff thinning reads. A snapshot is judged in every run during the
 * week after it reached the cutoff, so a collector stopped for days still catches up, while an
 * hourly run reads about a week of already-thinned history, not the whole retention window.
 */
export const THIN_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * What a snapshot said (from its stored gzip envelope), minus when it was taken and how long
 * that took: two reports with the same key said the same thing about the device.
 */
export function reportKey(envelope: Buffer): string {
  const {
    snapshotId: _id,
    collectedAt: _at,
    sections,
    ...rest
  } = JSON.parse(gunzipSync(envelope).toString('utf8')) as Snapshot;
  const said: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(sections)) {
    const { collectedAt: _c, durationMs: _d, ...kept } = section;
    said[name] = kept;
  }
  return JSON.stringify({ ...rest, sections: said });
}

/** A stored snapshot as thinning sees it: whose, which UTC day it came, and what data it points at. */
export interface HistoryRow {
  id: string;
  deviceKey: number;
  /** YYYY-MM-DD (UTC) of its receipt. */
  day: string;
  /** Its section data pointers, joined: equal when it points at the same data. */
  pointers: string;
}

/**
 * The snapshots of these histories (by device, then oldest first) that go: one that says
 * exactly what the device's previous kept snapshot of the same UTC day said (same sections'
 * data, statuses, identity and agent; only the collection times differ). Never a device's
 * latest (`latest`). What is left is every change and at least one snapshot per device per day.
 */
export function thinnedOut(
  rows: readonly HistoryRow[],
  latest: ReadonlySet<string | null>,
  reportOf: (id: string) => string,
): string[] {
  const doomed: string[] = [];
  let kept: (HistoryRow & { report?: string }) | undefined;
  for (const row of rows) {
    if (
      kept !== undefined &&
      kept.deviceKey === row.deviceKey &&
      kept.day === row.day &&
      kept.pointers === row.pointers &&
      !latest.has(row.id)
    ) {
      // Same data; the envelope (identity, agent, section statuses) decides.
      kept.report ??= reportOf(kept.id);
      const report = reportOf(row.id);
      if (report === kept.report) {
        doomed.push(row.id);
        continue;
      }
      kept = { ...row, report };
      continue;
    }
    kept = row;
  }
  return doomed;
}

/** The snapshots whose envelopes thinning may read: those with a neighbour of the same device, day and data. */
export function reportsNeeded(rows: readonly HistoryRow[]): string[] {
  const ids = new Set<string>();
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    if (
      previous &&
      previous.deviceKey === row.deviceKey &&
      previous.day === row.day &&
      previous.pointers === row.pointers
    ) {
      ids.add(previous.id);
      ids.add(row.id);
    }
  });
  return [...ids];
}
