import { cleanString, compareSoftware, type SoftwareItem } from '@stocktake/shared/core';
import { keyName, parseRegQuery, type RegKey, regNumber, regString } from './reg-query.ts';

/**
 * `ReleaseType` values Programs and Features lists under "Installed Updates" instead of
 * among programs (compared case-insensitively; both spellings of service pack occur).
 */
const UPDATE_RELEASE_TYPES: ReadonlySet<string> = new Set([
  'update',
  'hotfix',
  'security update',
  'update rollup',
  'servicepack',
  'service pack',
]);

/** Keys named after a KB article (`KB2468871`, `KB2468871-v2`) are Windows or Office updates. */
const KB_KEY = /^KB\d{5,8}(?:-v\d+)?$/i;

/** A direct subkey of an Uninstall key; deeper keys are private data of an installer. */
const ENTRY_PATH = /\\Uninstall\\[^\\]+$/i;

/**
 * Installed programs from `reg query <...\Uninstall> /s` output, filtered the way Programs
 * and Features filters them. `arch` is the registry view the output came from (`x64` for the
 * 64-bit view, `x86` for WOW6432Node); per-user hives give no arch.
 */
export function parseUninstall(text: string, arch?: string): SoftwareItem[] {
  return uninstallItems(parseRegQuery(text), arch);
}

/** The same from keys already parsed. */
export function uninstallItems(keys: readonly RegKey[], arch?: string): SoftwareItem[] {
  const items: SoftwareItem[] = [];
  for (const key of keys) {
    if (!ENTRY_PATH.test(key.path)) continue;
    const item = toItem(key, arch);
    if (item) items.push(item);
  }
  return dedupe(items).sort(compareSoftware);
}

function toItem(key: RegKey, arch: string | undefined): SoftwareItem | undefined {
  const name = clean(regString(key, 'DisplayName'));
  if (!name || isHidden(key)) return undefined;
  const item: SoftwareItem = { name, version: clean(regString(key, 'DisplayVersion')) ?? '', source: 'registry' };
  const publisher = clean(regString(key, 'Publisher'));
  if (publisher) item.publisher = publisher;
  if (arch) item.arch = arch;
  const installDate = uninstallDate(regString(key, 'InstallDate'));
  if (installDate) item.installDate = installDate;
  const location = installLocation(regString(key, 'InstallLocation'));
  if (location) item.installLocation = location;
  return item;
}

/** Control characters are never part of a name; a corrupt value keeps its readable parts. */
function clean(raw: string | undefined): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return cleanString(raw?.replace(/[\u0000-\u001f\u007f]/g, ' '));
}

/** Why Programs and Features would not list an entry that has a DisplayName. */
function isHidden(key: RegKey): boolean {
  if (regNumber(key, 'SystemComponent') === 1) return true;
  // A patch or update of another entry, shown nested under its parent.
  if (regString(key, 'ParentKeyName')) return true;
  const releaseType = regString(key, 'ReleaseType')?.toLowerCase();
  if (releaseType && UPDATE_RELEASE_TYPES.has(releaseType)) return true;
  return KB_KEY.test(keyName(key));
}

/**
 * `InstallDate` is documented as YYYYMMDD; a few installers write ISO dates. Anything else
 * (`5/1/2023`, `01.05.2023`, a Unix time, a day that does not exist) is too ambiguous to use.
 */
export function uninstallDate(raw: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw ?? '') ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1980 || y > 2100) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** Some installers quote the path; REG_EXPAND_SZ values stay unexpanded (`%ProgramFiles%\...`). */
function installLocation(raw: string | undefined): string | undefined {
  const s = raw?.trim();
  if (!s) return undefined;
  const unquoted = s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).trim() : s;
  return unquoted === '' ? undefined : unquoted;
}

/**
 * Keeps the first of items that agree on name, version and arch: the same product written
 * twice (two keys for one MSI and its bootstrapper, or the same per-user install in two
 * loaded user hives) is one installed item, and the snapshot has no per-user dimension.
 */
export function dedupe(items: SoftwareItem[]): SoftwareItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = `${item.name}\u0000${item.version}\u0000${item.arch ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * SIDs of the user hives loaded under HKEY_USERS, from `reg query HKU`. `.DEFAULT` is the
 * same hive as S-1-5-18 and `<SID>_Classes` are the users' class registrations; both skipped.
 */
export function loadedUserSids(text: string): string[] {
  const sids: string[] = [];
  for (const key of parseRegQuery(text)) {
    const m = /^HKEY_USERS\\(S-1-\d+(?:-\d+)+)$/i.exec(key.path);
    if (m?.[1] && !sids.includes(m[1])) sids.push(m[1]);
  }
  return sids;
}

/** Arch labels of the two registry views, from PROCESSOR_ARCHITECTURE (the OS's, not the CPU's). */
export function viewArches(processorArchitecture: string | undefined): { native?: string; wow64: string } {
  switch (processorArchitecture?.toUpperCase()) {
    case 'AMD64':
      return { native: 'x64', wow64: 'x86' };
    case 'X86':
      return { native: 'x86', wow64: 'x86' };
    default:
      // ARM64 (and IA64): the 64-bit view holds native and emulated x64 programs alike, so
      // the view says nothing about a program's architecture there.
      return { wow64: 'x86' };
  }
}
