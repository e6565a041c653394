import type { SoftwareItem } from './software.ts';

/** Identity of an installed item: a version change of the same key is an upgrade, not an add. */
export function softwareKey(item: Pick<SoftwareItem, 'source' | 'name' | 'arch'>): string {
  return `${item.source}\u0000${item.name}\u0000${item.arch ?? ''}`;
}

/** Canonical order of a software list: source, name, arch, version. */
export function compareSoftware(a: SoftwareItem, b: SoftwareItem): number {
  return cmp(a.source, b.source) || cmp(a.name, b.name) || cmp(a.arch ?? '', b.arch ?? '') || cmp(a.version, b.version);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
