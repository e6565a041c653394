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
