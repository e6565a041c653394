import { versionOrderOf } from '../versions/order.ts';
import { inRange, parseVersionRange, type VersionRange } from './versions.ts';

export interface LicenseRule {
  namePattern: string;
  publisherPattern: string | null;
  versionRange: string | null;
}

export interface InstalledSoftware {
  name: string;
  version: string;
  publisher?: string | null;
  /** The package source: its version order decides the range (dpkg's, rpm's, else the generic one). */
  source?: string | null;
}

/** `*` any run of characters, `?` one character; case-insensitive, whole string. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * The test an installed item must pass to count against a license: name matches the name
 * pattern, publisher the publisher pattern (when there is one; an item without a publisher
 * then does not count), version within the range (when there is one), in its source's order. License usage and
 * reconciliation count installs with this.
 */
export function compileLicenseRule(rule: LicenseRule): (item: InstalledSoftware) => boolean {
  const name = globToRegExp(rule.namePattern);
  const publisher = rule.publisherPattern ? globToRegExp(rule.publisherPattern) : undefined;
  const range: VersionRange | undefined = rule.versionRange ? parseVersionRange(rule.versionRange) : undefined;
  return (item) =>
    name.test(item.name) &&
    (!publisher || (item.publisher !== undefined && item.publisher !== null && publisher.test(item.publisher))) &&
    (!range || inRange(item.version, range, versionOrderOf(item.source)));
}
