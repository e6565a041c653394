import type { PatchState, PendingUpdate } from '@stocktake/shared/core';
import { findAll, parseXml, type XmlElement } from './xml.ts';

export type ZypperPatchState = Required<Pick<PatchState, 'pendingCount' | 'pendingSecurityCount' | 'pending'>>;

/** Global options: no prompts, no repository refresh (the agent never downloads metadata), XML output. */
export const ZYPPER_GLOBAL_ARGS: readonly string[] = ['--non-interactive', '--no-refresh', '--xmlout'];

export interface PackageUpdate {
  name: string;
  arch?: string;
  installedVersion?: string;
  availableVersion: string;
  repository?: string;
}

export interface SecurityPatch {
  id: string;
  severity?: string;
}

/** Schema limit on `PendingUpdate.origin`. */
const MAX_ORIGIN = 512;

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 4, important: 3, moderate: 2, low: 1 };

/** Patch states that mean nothing is left to install. */
const DONE_STATUSES = new Set(['applied', 'not-needed']);

/**
 * zypper reports failures (a locked package manager, a broken repository) as
 * `<message type="error">` in the stream, sometimes with exit code 0. They fail the source
 * rather than read as "no updates".
 */
export function zypperErrors(document: XmlElement): string[] {
  return findAll(document, 'message')
    .filter((m) => m.attributes.type === 'error')
    .map((m) => m.text.trim())
    .filter((t) => t !== '');
}

/** `zypper --xmlout list-updates`: the `<update kind="package">` elements. */
export function parseListUpdates(xml: string): PackageUpdate[] {
  const updates: PackageUpdate[] = [];
  for (const u of findAll(parseXml(xml), 'update')) {
    const { kind, name, edition, arch } = u.attributes;
    // An edition always has a digit; anything else is not an update zypper printed.
    if ((kind ?? 'package') !== 'package' || !name || !edition || !/\d/.test(edition)) continue;
    const update: PackageUpdate = { name, availableVersion: edition };
    if (arch) update.arch = arch;
    // edition-old is printed by zypper 1.14.x of SLE 15 SP4+ / Leap 15.4+; older ones omit it.
    const old = u.attributes['edition-old'];
    if (old) update.installedVersion = old;
    const alias = u.children.find((c) => c.name === 'source')?.attributes.alias;
    if (alias) update.repository = alias;
    updates.push(update);
  }
  return updates;
}

/**
 * `zypper --xmlout list-patches --category security`: needed security patches. The category
 * is checked here too, because zypper's XML output does not always apply the filter.
 */
export function parseListPatches(xml: string): SecurityPatch[] {
  const patches: SecurityPatch[] = [];
  for (const u of findAll(parseXml(xml), 'update')) {
    const { kind, name, category, status, severity } = u.attributes;
    if (kind !== 'patch' || !name || category !== 'security') continue;
    if (status && DONE_STATUSES.has(status)) continue;
    patches.push(severity && severity !== 'none' ? { id: name, severity: capitalise(severity) } : { id: name });
  }
  return patches;
}

/**
 * `zypper --xmlout info -t patch ID...`: human-readable blocks inside `<message>` elements.
 * A patch "conflicts" with every older build of the packages it updates:
 *
 *     Name        : RHSA-2024:2447
 *     ...
 *     Conflicts   : [4]
 *         openssl-libs.x86_64 < 1:3.0.7-27.el9
 *
 * Returns, per patch id, the `name.arch` of those packages.
 */
export function parsePatchInfo(xml: string): Map<string, Set<string>> {
  const byPatch = new Map<string, Set<string>>();
  for (const message of findAll(parseXml(xml), 'message')) {
    let patch: string | undefined;
    let inConflicts = false;
    for (const line of message.text.split('\n')) {
      const field = /^(\S[^:]*?)\s*:\s*(.*)$/.exec(line);
      if (field) {
        const [, key = '', value = ''] = field;
        if (key === 'Name') patch = value.trim();
        inConflicts = key === 'Conflicts';
        continue;
      }
      if (!inConflicts || !patch) continue;
      const pkg = /^\s+(\S+)\.([A-Za-z0-9_]+)\s*(?:<|$)/.exec(line);
      if (!pkg) continue;
      const set = byPatch.get(patch) ?? new Set<string>();
      set.add(`${pkg[1]}.${pkg[2]}`);
      byPatch.set(patch, set);
    }
  }
  return byPatch;
}

/**
 * One pending update per package update. A package is a security update when a needed
 * security patch updates it (its conflicts name the package's `name.arch`); origin is then
 * the patch ids, severity their highest; otherwise origin is the repository alias.
 */
export function combine(
  updates: PackageUpdate[],
  patches: SecurityPatch[],
  patchPackages: Map<string, Set<string>>,
): ZypperPatchState {
  const pending: PendingUpdate[] = updates.map((u) => {
    const key = `${u.name}.${u.arch ?? ''}`;
    const fixing = patches.filter((p) => patchPackages.get(p.id)?.has(key));
    const update: PendingUpdate = { name: u.name, availableVersion: u.availableVersion, security: fixing.length > 0 };
    if (u.installedVersion) update.installedVersion = u.installedVersion;
    if (fixing.length > 0) {
      update.origin = [...new Set(fixing.map((p) => p.id))].sort().join(', ').slice(0, MAX_ORIGIN);
      const severity = highest(fixing);
      if (severity) update.severity = severity;
    } else if (u.repository) {
      update.origin = u.repository;
    }
    return update;
  });
  return {
    pendingCount: pending.length,
    pendingSecurityCount: pending.filter((p) => p.security).length,
    pending,
  };
}

function highest(patches: SecurityPatch[]): string | undefined {
  let best: string | undefined;
  for (const { severity } of patches) {
    if (!severity) continue;
    if (!best || (SEVERITY_RANK[severity.toLowerCase()] ?? 0) > (SEVERITY_RANK[best.toLowerCase()] ?? 0))
      best = severity;
  }
  return best;
}

/** zypper prints severities in lower case (`important`); advisories elsewhere say `Important`. */
function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
