import { compileLicenseRule, type LicenseRule } from './license-match.ts';

export interface CatalogueEntry {
  id: number;
  name: string;
  version: string;
  publisher: string | null;
  /** The package source (dpkg, rpm, ...), whose order compares its versions. */
  source: string;
}

export interface LicenseRuleOf extends LicenseRule {
  id: string;
}

/** Characters of a name pattern's literal start used to bucket licenses. */
const BUCKET = 4;

function literalPrefix(pattern: string): string {
  const stop = pattern.search(/[*?]/);
  return (stop < 0 ? pattern : pattern.slice(0, stop)).toLowerCase();
}

/**
 * Which catalogue entries (package versions) each license's rule matches, in one pass over the
 * catalogue. Licenses are bucketed by the first characters of their name pattern's literal
 * start, so an entry is tested only against the few licenses whose pattern could match its
 * name (a pattern starting with a wildcard is tested against every entry).
 */
export function matchCatalogue(
  licenses: readonly LicenseRuleOf[],
  catalogue: Iterable<CatalogueEntry>,
): Map<string, number[]> {
  const buckets = new Map<string, { id: string; test: ReturnType<typeof compileLicenseRule> }[]>();
  const out = new Map<string, number[]>();
  for (const l of licenses) {
    out.set(l.id, []);
    const key = literalPrefix(l.namePattern).slice(0, BUCKET);
    const list = buckets.get(key) ?? [];
    list.push({ id: l.id, test: compileLicenseRule(l) });
    buckets.set(key, list);
  }
  if (licenses.length === 0) return out;
  for (const entry of catalogue) {
    const name = entry.name.toLowerCase();
    const longest = Math.min(BUCKET, name.length);
    for (let k = 0; k <= longest; k++) {
      const candidates = buckets.get(name.slice(0, k));
      if (!candidates) continue;
      for (const c of candidates) if (c.test(entry)) out.get(c.id)?.push(entry.id);
    }
  }
  return out;
}

/**
 * The user a device counts for under per-user licensing: its primary user (the last person to
 * log in, else the first logged in now), else the assignee of its register asset (user name,
 * else e-mail). Compared without case, domain prefix (CORP\alice) or mail domain (alice@corp),
 * so the same person logged in on Windows and assigned by e-mail counts once. Undefined when
 * nobody is known: such a device then counts as a user of its own.
 */
export function userKey(primaryUser: string | null, assigneeUsername: string | null, assigneeEmail: string | null) {
  const raw = primaryUser ?? assigneeUsername ?? assigneeEmail;
  if (!raw) return undefined;
  const bare = raw.trim().toLowerCase().replace(/^.*\\/, '').replace(/@.*$/, '');
  return bare === '' ? undefined : bare;
}
