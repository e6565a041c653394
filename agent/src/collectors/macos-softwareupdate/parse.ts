import type { PatchState, PendingUpdate } from '@stocktake/shared/core';

/** One entry of `softwareupdate --list`. */
export interface SoftwareUpdateEntry {
  /** What `softwareupdate --install` takes: `macOS Sonoma 14.5-23F79`. */
  label: string;
  title?: string;
  version?: string;
  recommended?: boolean;
  /** `Action: restart`. */
  restartRequired: boolean;
}

export type SoftwareUpdatePatchState = Required<Pick<PatchState, 'pendingCount' | 'pendingSecurityCount' | 'pending'>>;

const LABEL_LINE = /^\s*\*\s*Label:\s*(.*?)\s*$/;
/** Keys of the detail line; a value runs until the next `, Key:` so titles may contain commas. */
const DETAIL_KEY = /(?:^|,\s*)(Title|Version|Size|Recommended|Action|Deferred):\s*/g;
const NOTHING_PENDING = 'No new software available';

/**
 * Parses `softwareupdate --list` (macOS 10.15+). Each update is a `* Label:` line followed by
 * a tab-indented detail line:
 *
 * ```
 * * Label: macOS Sonoma 14.5-23F79
 * 	Title: macOS Sonoma 14.5, Version: 14.5, Size: 6849021KiB, Recommended: YES, Action: restart,
 * ```
 *
 * The tool writes the list to stdout and its banner and "No new software available." to
 * stderr, so both streams are read. Output that has neither a list nor that sentence (a
 * network error, a catalogue it could not read) is an error: an empty list would claim the
 * Mac is fully patched.
 */
export function parseSoftwareUpdateList(stdout: string, stderr = ''): SoftwareUpdateEntry[] {
  const entries: SoftwareUpdateEntry[] = [];
  let current: SoftwareUpdateEntry | undefined;
  for (const raw of `${stdout}\n${stderr}`.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const label = LABEL_LINE.exec(line)?.[1];
    if (label !== undefined) {
      current = label === '' ? undefined : { label, restartRequired: false };
      if (current) entries.push(current);
      continue;
    }
    if (current && /^\s+Title:/.test(line)) {
      applyDetails(current, line.trim());
      current = undefined;
    }
  }
  if (entries.length > 0) return dedupe(entries);
  const text = `${stdout}\n${stderr}`;
  if (text.includes(NOTHING_PENDING)) return [];
  const said = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== 'Software Update Tool' && l !== 'Finding available software');
  throw new Error(
    `softwareupdate listed no updates and did not say "${NOTHING_PENDING}"${said[0] ? `: ${said[0]}` : ''}`,
  );
}

function applyDetails(entry: SoftwareUpdateEntry, details: string): void {
  const keys = [...details.matchAll(DETAIL_KEY)];
  keys.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = keys[i + 1]?.index ?? details.length;
    const value = details.slice(start, end).replace(/,\s*$/, '').trim();
    if (value === '') return;
    switch (m[1]) {
      case 'Title':
        entry.title = value;
        break;
      case 'Version':
        entry.version = value;
        break;
      case 'Recommended':
        entry.recommended = value.toUpperCase() === 'YES';
        break;
      case 'Action':
        entry.restartRequired = value.toLowerCase() === 'restart';
        break;
    }
  });
}

/** A label listed twice (stdout and stderr both captured, or a repeated scan line) counts once. */
function dedupe(entries: SoftwareUpdateEntry[]): SoftwareUpdateEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.label) && seen.add(e.label));
}

/** Apple's own words for security-only content: security updates for older releases, RSRs, BSIs. */
const SECURITY_WORDS = /Security Update|Security Response|Background Security Improvement/i;
/** Rapid Security Responses and Background Security Improvements carry a letter: `13.4.1 (c)`. */
const RESPONSE_LETTER = /\([a-z]\)\s*$/;

/**
 * Whether an update is a security update. softwareupdate has no security flag, so the rule is:
 *
 * 1. its title or label says so ("Security Update 2022-005 Catalina", "Rapid Security
 *    Response", "Background Security Improvement"), or its version carries a response letter
 *    (`13.4.1 (c)`, how RSRs are listed);
 * 2. or it is a recommended update of the macOS major version the Mac runs (14.4 → 14.5):
 *    Apple ships its security fixes for a release in those, and documents each one's CVEs.
 *
 * Upgrades to a new major version (14 → 15), Safari, Xcode tools and firmware are not counted,
 * and without the installed version (rule 2 cannot apply) macOS minors are not counted either:
 * the count errs low rather than guessing.
 */
export function isSecurityUpdate(entry: SoftwareUpdateEntry, installedOsVersion?: string): boolean {
  const words = `${entry.label} ${entry.title ?? ''}`;
  if (SECURITY_WORDS.test(words)) return true;
  if (RESPONSE_LETTER.test(entry.version ?? '') || RESPONSE_LETTER.test(entry.title ?? '')) return true;
  if (!isMacosUpdate(entry) || entry.recommended !== true) return false;
  const installed = majorOf(installedOsVersion);
  return installed !== undefined && majorOf(entry.version) === installed;
}

function isMacosUpdate(entry: SoftwareUpdateEntry): boolean {
  return /^macOS\b/.test(entry.title ?? entry.label);
}

function majorOf(version: string | undefined): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (!m) return undefined;
  // Before Big Sur the release was the minor number: 10.15.
  return m[1] === '10' ? `10.${m[2] ?? ''}` : m[1];
}

/**
 * The patch state softwareupdate describes. A macOS update replaces the running macOS, so its
 * installed version is the one sw_vers reported; other products' installed versions are not
 * in the listing. Titles and restart requirements have no place in the contract yet.
 */
export function toPatchState(
  entries: readonly SoftwareUpdateEntry[],
  installedOsVersion?: string,
): SoftwareUpdatePatchState {
  const pending = entries.map((entry): PendingUpdate => {
    const update: PendingUpdate = { name: entry.label, security: isSecurityUpdate(entry, installedOsVersion) };
    if (installedOsVersion && isMacosUpdate(entry)) update.installedVersion = installedOsVersion;
    if (entry.version) update.availableVersion = entry.version;
    if (entry.recommended !== undefined) update.recommended = entry.recommended;
    return update;
  });
  return {
    pendingCount: pending.length,
    pendingSecurityCount: pending.filter((p) => p.security).length,
    pending,
  };
}

/**
 * `defaults read /Library/Preferences/com.apple.SoftwareUpdate LastSuccessfulDate` prints
 * `2024-06-03 08:15:42 +0000`: when softwareupdated last checked the catalogue successfully.
 */
export function parseLastScanDate(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
