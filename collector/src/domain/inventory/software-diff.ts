import type { SoftwareItem } from '@stocktake/shared';
import type { ChangeDraft } from './device-changes.ts';

/** A row of the device's current software, as the catalogue describes it. */
export interface InstalledRow {
  softwareId: number;
  source: string;
  name: string;
  arch: string;
  version: string;
}

export interface SoftwareRef {
  /** Catalogue id of this exact version. */
  id: number;
  source: string;
  name: string;
  arch?: string;
  version: string;
}

export interface SoftwareChanges {
  installed: SoftwareRef[];
  removed: SoftwareRef[];
  upgraded: { from: SoftwareRef; to: SoftwareRef }[];
}

/** (source, name, arch): the identity of an installed item, as `softwareKey` in the shared contract. */
const identity = (r: { source: string; name: string; arch?: string | undefined }) =>
  `${r.source}\u0000${r.name}\u0000${r.arch ?? ''}`;

const ref = (r: {
  id: number;
  source: string;
  name: string;
  arch?: string | undefined;
  version: string;
}): SoftwareRef => ({
  id: r.id,
  source: r.source,
  name: r.name,
  ...(r.arch ? { arch: r.arch } : {}),
  version: r.version,
});

/**
 * Names what changed between the rows a device had and the rows it has now. The identity of
 * an item is (source, name, arch): a version gone and another come under one identity is an
 * upgrade. Some package managers keep several versions side by side (rpm kernels); versions
 * present on both sides are unchanged, and the rest pair up in version order as upgrades,
 * with any surplus counted as installs or removals.
 */
export function softwareChanges(
  removedRows: readonly InstalledRow[],
  addedItems: readonly { id: number; source: string; name: string; arch?: string | undefined; version: string }[],
): SoftwareChanges {
  const gone = new Map<string, SoftwareRef[]>();
  for (const row of removedRows) {
    const r = ref({ ...row, id: row.softwareId, arch: row.arch || undefined });
    const k = identity(r);
    gone.set(k, [...(gone.get(k) ?? []), r]);
  }
  const came = new Map<string, SoftwareRef[]>();
  for (const item of addedItems) {
    const r = ref(item);
    const k = identity(r);
    came.set(k, [...(came.get(k) ?? []), r]);
  }
  const byVersion = (a: SoftwareRef, b: SoftwareRef) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0);
  const out: SoftwareChanges = { installed: [], removed: [], upgraded: [] };
  for (const [k, olds] of gone) {
    const news = came.get(k) ?? [];
    olds.sort(byVersion);
    news.sort(byVersion);
    const pairs = Math.min(olds.length, news.length);
    for (let i = 0; i < pairs; i++) {
      const from = olds[i];
      const to = news[i];
      if (from && to) out.upgraded.push({ from, to });
    }
    out.removed.push(...olds.slice(pairs));
    out.installed.push(...news.slice(pairs));
    came.delete(k);
  }
  for (const news of came.values()) out.installed.push(...news);
  const order = (a: SoftwareRef, b: SoftwareRef) => {
    const x = identity(a);
    const y = identity(b);
    return x < y ? -1 : x > y ? 1 : byVersion(a, b);
  };
  out.installed.sort(order);
  out.removed.sort(order);
  out.upgraded.sort((a, b) => order(a.to, b.to));
  return out;
}

/** A package a device has, with where and when it was installed. */
export interface InstalledSoftware extends InstalledRow {
  installDate: string | null;
  installLocation: string | null;
}

/** What to write to bring a device's software in line with a snapshot, and the changes it makes. */
export interface SoftwarePlan {
  /** Packages the device did not have: to add. */
  added: (SoftwareItem & { id: number })[];
  /** Packages it keeps whose install date or location moved: to update. */
  moved: { softwareId: number; installDate: string | null; installLocation: string | null }[];
  /** Packages gone: to remove. */
  removed: InstalledSoftware[];
  /** How many packages the device has afterwards. */
  total: number;
  drafts: ChangeDraft[];
}

/**
 * Compares the packages a device has (by catalogue id) with those a snapshot lists. Packages
 * of sources that failed this time are kept as they were: a failed source says nothing about
 * what is installed. On a baseline (the first software list known for the device) nothing is
 * named as a change.
 */
export function planSoftware(
  current: ReadonlyMap<number, InstalledSoftware>,
  wanted: ReadonlyMap<number, SoftwareItem>,
  failedSources: ReadonlySet<string>,
  baseline: boolean,
): SoftwarePlan {
  const added: (SoftwareItem & { id: number })[] = [];
  const moved: SoftwarePlan['moved'] = [];
  const removed: InstalledSoftware[] = [];
  for (const [softwareId, item] of wanted) {
    const existing = current.get(softwareId);
    if (!existing) {
      added.push({ ...item, id: softwareId });
      continue;
    }
    const installDate = item.installDate ?? null;
    const installLocation = item.installLocation ?? null;
    if (existing.installDate !== installDate || existing.installLocation !== installLocation) {
      moved.push({ softwareId, installDate, installLocation });
    }
  }
  for (const [softwareId, row] of current) {
    if (!wanted.has(softwareId) && !failedSources.has(row.source)) removed.push(row);
  }
  return {
    added,
    moved,
    removed,
    total: current.size + added.length - removed.length,
    drafts: baseline ? [] : softwareDrafts(softwareChanges(removed, added)),
  };
}

/** Software changes as history lines, each pointing at the catalogue versions involved. */
export function softwareDrafts(changes: SoftwareChanges): ChangeDraft[] {
  const drafts: ChangeDraft[] = [];
  for (const s of changes.installed) drafts.push({ kind: 'software_installed', subject: s.name, softwareAfter: s.id });
  for (const s of changes.removed) drafts.push({ kind: 'software_removed', subject: s.name, softwareBefore: s.id });
  for (const u of changes.upgraded) {
    drafts.push({ kind: 'software_upgraded', subject: u.to.name, softwareBefore: u.from.id, softwareAfter: u.to.id });
  }
  return drafts;
}
