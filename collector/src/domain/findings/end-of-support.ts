import { readFileSync } from 'node:fs';
import { createValidator } from '@stocktake/shared';
import { EndOfSupportEntriesSchema, type EndOfSupportEntry } from '@stocktake/shared/api';
import { globToRegExp } from '../licenses/license-match.ts';
import { compareVersions } from '../licenses/versions.ts';

const validateEntries = createValidator<EndOfSupportEntry[]>(EndOfSupportEntriesSchema);

const BUNDLED = new URL('./data/end-of-support.json', import.meta.url);

/** The end-of-support list shipped with the collector (data/end-of-support.json), checked. */
export function loadBundledEndOfSupport(): EndOfSupportEntry[] {
  const value: unknown = JSON.parse(readFileSync(BUNDLED, 'utf8'));
  const checked = validateEntries(value);
  if (!checked.ok) {
    throw new Error(
      `bundled end-of-support list is invalid: ${checked.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    );
  }
  return checked.value;
}

/**
 * Whether `version` starts with the parts of `prefix`, compared part by part with numbers as
 * numbers: "20.04" matches "20.04.6 LTS" and "20.4" but not "20.10"; "10" matches "10.13"
 * but not "100".
 */
export function versionHasPrefix(version: string, prefix: string): boolean {
  const parts = (v: string) => v.split(/[.\s_-]+/).filter((p) => p !== '');
  const have = parts(version);
  const want = parts(prefix);
  if (want.length === 0 || have.length < want.length) return false;
  return want.every((w, i) => {
    const h = have[i] ?? '';
    return /^\d+$/.test(w) && /^\d+$/.test(h) ? compareVersions(w, h) === 0 : w.toLowerCase() === h.toLowerCase();
  });
}

export interface OsFacts {
  family: string | null;
  name: string | null;
  version: string | null;
}

export type EndOfSupportMatcher = (os: OsFacts) => EndOfSupportEntry | undefined;

/** The first entry that names the OS (family, name glob, version prefix), compiled once per list. */
export function compileEndOfSupport(entries: readonly EndOfSupportEntry[]): EndOfSupportMatcher {
  const compiled = entries.map((e) => ({ entry: e, name: globToRegExp(e.name) }));
  return (os) => {
    if (!os.name) return undefined;
    for (const { entry, name } of compiled) {
      if (entry.family && entry.family !== os.family) continue;
      if (!name.test(os.name)) continue;
      if (entry.version !== undefined && (!os.version || !versionHasPrefix(os.version, entry.version))) continue;
      return entry;
    }
    return undefined;
  };
}
