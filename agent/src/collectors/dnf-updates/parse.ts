import type { PatchState, PendingUpdate } from '@stocktake/shared/core';

export type DnfPatchState = Required<Pick<PatchState, 'pendingCount' | 'pendingSecurityCount' | 'pending'>>;

/** One line of `check-update`: the package as dnf names it (`glibc.i686`), the version it would install, the repository. */
export interface AvailableUpdate {
  /** `name.arch`, exactly as dnf prints it. */
  name: string;
  availableVersion: string;
  repository: string;
}

/** One advisory that an available update fixes. */
export interface Advisory {
  id: string;
  /** `Critical`, `Important`, `Moderate`, `Low`; absent when the advisory gives none. */
  severity?: string;
  /** `name.arch` of the package the advisory lists. */
  package: string;
}

/** Schema limit on `PendingUpdate.origin`. */
const MAX_ORIGIN = 512;

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 4, important: 3, moderate: 2, low: 1 };

/** What dnf and yum print when an advisory has no severity. */
const NO_SEVERITY = new Set(['', 'none', 'unknown']);

/**
 * Parses `dnf check-update`, `yum check-update` and `dnf5 check-upgrade`. Each update is
 * `name.arch  version  repository`; a name too long for its column is printed alone and the
 * rest follows on an indented continuation line. After `Obsoleting Packages` each replacing
 * package is followed by the installed packages it obsoletes, indented by four spaces: those
 * are removals and are ignored; a replacing package not already listed is an update.
 * Headings (`Upgrades`), `Security: ... is an installed security update` notes and anything
 * else that is not three cells is skipped.
 */
export function parseCheckUpdate(text: string): AvailableUpdate[] {
  const updates = new Map<string, AvailableUpdate>();
  let inObsoletes = false;
  let record: { tokens: string[]; obsoleted: boolean } | undefined;

  const finish = (done: { tokens: string[]; obsoleted: boolean }) => {
    const update = done.tokens.length === 3 ? toUpdate(done.tokens) : undefined;
    // In the obsoletes section the replacing package is usually also listed above.
    if (update && !done.obsoleted && !updates.has(update.name)) updates.set(update.name, update);
  };

  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      record = undefined;
      continue;
    }
    if (/^Obsoleting [Pp]ackages\s*$/.test(line)) {
      inObsoletes = true;
      record = undefined;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const tokens = line.trim().split(/\s+/);
    // A continuation line is indented past the four spaces of an obsoleted entry and
    // completes the record whose name was too long for its column.
    if (record && indent > 4) {
      record.tokens.push(...tokens);
      if (record.tokens.length >= 3) {
        finish(record);
        record = undefined;
      }
      continue;
    }
    // An indented line outside the obsoletes section, with nothing to continue, is not an update.
    if (indent > 0 && !inObsoletes) {
      record = undefined;
      continue;
    }
    record = { tokens, obsoleted: indent > 0 };
    if (tokens.length >= 3) {
      finish(record);
      record = undefined;
    }
  }
  return [...updates.values()];
}

function toUpdate([nameArch = '', version = '', repository = '']: string[]): AvailableUpdate | undefined {
  const dot = nameArch.lastIndexOf('.');
  if (dot <= 0 || !/^[A-Za-z0-9_]+$/.test(nameArch.slice(dot + 1))) return undefined;
  if (!/\d/.test(version) || repository === '') return undefined;
  return { name: nameArch, availableVersion: version, repository };
}

/**
 * Parses `dnf updateinfo list --security` and `yum updateinfo list security`: one line per
 * (advisory, package), `ID  Severity/Sec.  NEVRA` (`RHSA-2024:2447 Moderate/Sec.
 * openssl-libs-1:3.0.7-27.el9.x86_64`). Lines whose label is not `.../Sec.` (bugfix,
 * enhancement) and lines that are not three cells are skipped.
 */
export function parseUpdateinfoList(text: string): Advisory[] {
  const advisories: Advisory[] = [];
  for (const raw of text.split('\n')) {
    const cells = raw.trim().split(/\s+/);
    if (cells.length !== 3) continue;
    const [id = '', label = '', nevra = ''] = cells;
    const m = /^(.*)\/Sec\.$/.exec(label);
    if (!m) continue;
    const pkg = nevraToNameArch(nevra);
    if (!pkg) continue;
    advisories.push(withSeverity({ id, package: pkg }, m[1] ?? ''));
  }
  return advisories;
}

/**
 * Parses `dnf5 advisory list --security --json`: an array of `{ name, type, severity, nevra,
 * buildtime }`. Throws when the text is not that array (dnf5 older than 5.2 has no `--json`),
 * so a changed format fails the source instead of reporting no security updates.
 */
export function parseDnf5AdvisoryJson(text: string): Advisory[] {
  let data: unknown;
  try {
    data = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (err) {
    throw new Error(`dnf5 advisory list --json printed something that is not JSON: ${text.slice(0, 80)}`, {
      cause: err,
    });
  }
  if (!Array.isArray(data)) throw new Error('dnf5 advisory list --json did not print an array');
  const advisories: Advisory[] = [];
  for (const entry of data) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { name, type, severity, nevra } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof nevra !== 'string' || type !== 'security') continue;
    const pkg = nevraToNameArch(nevra);
    if (!pkg) continue;
    advisories.push(withSeverity({ id: name, package: pkg }, typeof severity === 'string' ? severity : ''));
  }
  return advisories;
}

function withSeverity(advisory: Advisory, severity: string): Advisory {
  return NO_SEVERITY.has(severity.toLowerCase()) ? advisory : { ...advisory, severity };
}

/** `openssl-libs-1:3.0.7-27.el9.x86_64` → `openssl-libs.x86_64`: name is everything before the last two `-`. */
function nevraToNameArch(nevra: string): string | undefined {
  const dot = nevra.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const arch = nevra.slice(dot + 1);
  const nvr = nevra.slice(0, dot);
  const releaseDash = nvr.lastIndexOf('-');
  const versionDash = releaseDash > 0 ? nvr.lastIndexOf('-', releaseDash - 1) : -1;
  if (versionDash <= 0 || !/^[A-Za-z0-9_]+$/.test(arch)) return undefined;
  return `${nvr.slice(0, versionDash)}.${arch}`;
}

/**
 * Joins updates with the security advisories that list them. An update is a security update
 * when an advisory names its package: the advisory may name an older build than the newest
 * available, and installing the newest fixes it too. Origin is the advisory ids (else the
 * repository), severity the highest of them.
 */
export function combine(updates: AvailableUpdate[], advisories: Advisory[]): DnfPatchState {
  const byPackage = new Map<string, Advisory[]>();
  for (const a of advisories) byPackage.set(a.package, [...(byPackage.get(a.package) ?? []), a]);

  const pending: PendingUpdate[] = updates.map((u) => {
    const found = byPackage.get(u.name) ?? [];
    if (found.length === 0) {
      return { name: u.name, availableVersion: u.availableVersion, security: false, origin: u.repository };
    }
    const ids = [...new Set(found.map((a) => a.id))].sort();
    const update: PendingUpdate = {
      name: u.name,
      availableVersion: u.availableVersion,
      security: true,
      origin: ids.join(', ').slice(0, MAX_ORIGIN),
    };
    const severity = highestSeverity(found);
    if (severity) update.severity = severity;
    return update;
  });
  return {
    pendingCount: pending.length,
    pendingSecurityCount: pending.filter((p) => p.security).length,
    pending,
  };
}

function highestSeverity(advisories: Advisory[]): string | undefined {
  let best: string | undefined;
  for (const { severity } of advisories) {
    if (!severity) continue;
    if (!best || (SEVERITY_RANK[severity.toLowerCase()] ?? 0) > (SEVERITY_RANK[best.toLowerCase()] ?? 0)) {
      best = severity;
    }
  }
  return best;
}
