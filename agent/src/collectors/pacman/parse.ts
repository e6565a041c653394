import type { SoftwareItem } from '@stocktake/shared/core';

/**
 * Keys of a local database `desc` file whose value is exactly the next line, as libalpm reads
 * them. Consuming that line keeps a description that happens to look like a key (`%NAME%`)
 * from being taken for one. Every other line (list values, unknown keys, junk) is skipped.
 */
const SINGLE_VALUE_KEYS: ReadonlySet<string> = new Set([
  'NAME',
  'VERSION',
  'BASE',
  'DESC',
  'URL',
  'ARCH',
  'BUILDDATE',
  'INSTALLDATE',
  'PACKAGER',
  'SIZE',
  'REASON',
]);

/** What makepkg writes as the packager when `PACKAGER` is not set (most AUR builds): no publisher. */
const UNKNOWN_PACKAGER = 'Unknown Packager';

/**
 * Parses one `/var/lib/pacman/local/<name>-<version>/desc` file: `%KEY%` lines each followed by
 * the value, sections separated by empty lines. Returns undefined when there is no name.
 * Never throws: CRLF, junk lines, repeated keys (first wins) and a missing final newline are fine.
 */
export function parsePacmanDesc(text: string): SoftwareItem | undefined {
  const fields = readFields(text);
  const name = fields.get('NAME');
  if (!name) return undefined;

  const item: SoftwareItem = { name, version: fields.get('VERSION') ?? '', source: 'pacman' };
  const arch = fields.get('ARCH');
  if (arch) item.arch = arch;
  const publisher = packagerName(fields.get('PACKAGER') ?? '');
  if (publisher && publisher !== UNKNOWN_PACKAGER) item.publisher = publisher;
  const installDate = unixSecondsToIso(fields.get('INSTALLDATE') ?? '');
  if (installDate) item.installDate = installDate;
  return item;
}

function readFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (let i = 0; i < lines.length; i++) {
    const m = /^%([A-Z0-9]+)%$/.exec(lines[i] ?? '');
    const key = m?.[1];
    if (key === undefined || !SINGLE_VALUE_KEYS.has(key)) continue;
    i++;
    const value = (lines[i] ?? '').trim();
    if (!fields.has(key) && value !== '') fields.set(key, value);
  }
  return fields;
}

/** `Name <address>` becomes `Name`; a bare address is kept so the field is not lost. */
function packagerName(value: string): string {
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(value);
  if (!m) return value.trim();
  const name = (m[1] ?? '').trim();
  return name || (m[2] ?? '').trim();
}

function unixSecondsToIso(value: string): string | undefined {
  if (!/^\d{1,12}$/.test(value)) return undefined;
  const seconds = Number(value);
  // The epoch itself says nothing about when the package was installed.
  if (seconds === 0) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
