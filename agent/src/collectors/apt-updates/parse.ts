import type { PatchState, PendingUpdate } from '@stocktake/shared/core';

/** Simulated full upgrade: no root, no network, no lock; answers from the lists of the last `apt update`. */
export const APT_SIMULATE_ARGS: readonly string[] = ['-s', '-o', 'Debug::NoLocking=1', 'dist-upgrade'];

export type AptPatchState = Required<Pick<PatchState, 'pendingCount' | 'pendingSecurityCount' | 'pending'>>;

/** Schema limit on `PendingUpdate.origin`; a package in many repositories could exceed it. */
const MAX_ORIGIN = 512;

/**
 * `Inst NAME [INSTALLED] (CANDIDATE ORIGINS [ARCH])`, optionally followed by the simulator's
 * broken-dependency notes (`[pkg:amd64 ]`, `[a on b]`). `[INSTALLED]` is absent for a new
 * package. ORIGINS is apt's release string, `Label:Version/Archive` entries joined by `, `;
 * labels may contain spaces, so it is taken as everything up to the final ` [ARCH])`.
 */
const INST_LINE = /^Inst (\S+)(?: \[([^\]]*)\])? \(([^\s)]+)(?: (.*?))?(?: \[[^\]]*\])?\)(?: .*)?$/;

/**
 * Reads the `Inst` lines of `apt-get -s dist-upgrade`: each is one package apt would install
 * or upgrade. `Conf`, `Remv` and `Purg` lines and the human-readable summary are ignored.
 */
export function parseAptSimulate(text: string): AptPatchState {
  const pending: PendingUpdate[] = [];
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('Inst ')) continue;
    const m = INST_LINE.exec(line);
    if (!m) continue;
    const [, name = '', installed, candidate = '', originText = ''] = m;
    // One package is unpacked once per run; a repeated line must not inflate the count.
    if (seen.has(name)) continue;
    seen.add(name);

    const origins = originText
      .split(', ')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    const update: PendingUpdate = { name, availableVersion: candidate, security: origins.some(isSecurityOrigin) };
    if (installed) update.installedVersion = installed;
    if (origins.length > 0) update.origin = origins.join(', ').slice(0, MAX_ORIGIN);
    pending.push(update);
  }
  return {
    pendingCount: pending.length,
    pendingSecurityCount: pending.filter((p) => p.security).length,
    pending,
  };
}

/**
 * Ubuntu's security updates come from the `*-security` pocket (`jammy-security`, ESM's
 * `jammy-apps-security`), Debian 11+ from `*-security` suites labelled `Debian-Security`.
 * Debian 10 and older named the security suite like the main one (`oldoldstable`), so only
 * the label tells it apart.
 */
function isSecurityOrigin(origin: string): boolean {
  return origin.endsWith('-security') || origin.includes('Debian-Security');
}
