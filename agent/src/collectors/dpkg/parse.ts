import { compareSoftware, type SoftwareItem } from '@stocktake/shared';

/**
 * dpkg package states (third word of `Status:`) in which the package's files are on disk.
 * `config-files` (removed, conffiles kept) and `not-installed` are left out: nothing runs
 * from them, so they are not installed software.
 */
const PRESENT_STATES: ReadonlySet<string> = new Set([
  'installed',
  'half-installed',
  'unpacked',
  'half-configured',
  'triggers-awaited',
  'triggers-pending',
]);

type Stanza = Map<string, string>;

/**
 * Parses `/var/lib/dpkg/status` into one item per package present on disk. Tolerates CRLF,
 * a missing final newline and junk lines; a stanza without `Package` or `Status` is skipped.
 */
export function parseDpkgStatus(text: string): SoftwareItem[] {
  const items: SoftwareItem[] = [];
  for (const stanza of stanzas(text)) {
    const item = toItem(stanza);
    if (item) items.push(item);
  }
  return items.sort(compareSoftware);
}

function toItem(stanza: Stanza): SoftwareItem | undefined {
  const name = stanza.get('package');
  const status = stanza.get('status');
  if (!name || !status) return undefined;
  const state = status.split(/\s+/)[2];
  if (state === undefined || !PRESENT_STATES.has(state)) return undefined;

  const item: SoftwareItem = { name, version: stanza.get('version') ?? '', source: 'dpkg' };
  const arch = stanza.get('architecture');
  if (arch) item.arch = arch;
  const publisher = maintainerName(stanza.get('maintainer') ?? '');
  if (publisher) item.publisher = publisher;
  return item;
}

/**
 * Yields the stanzas as maps of lower-cased field name to the first line of the value.
 * Continuation lines only matter for multi-line fields (Description, Conffiles), none of
 * which are read, so they are skipped.
 */
function* stanzas(text: string): Generator<Stanza> {
  let current: Stanza = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (current.size > 0) yield current;
      current = new Map();
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    // Field names never contain spaces; a line that has one before the colon is junk.
    if (key === '' || /\s/.test(key)) continue;
    // dpkg never writes a field twice; if a corrupt file does, keep the first.
    if (!current.has(key)) current.set(key, line.slice(colon + 1).trim());
  }
  if (current.size > 0) yield current;
}

/** `Name <address>` becomes `Name`; a bare address is kept so the field is not lost. */
function maintainerName(value: string): string {
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(value);
  if (!m) return value.trim();
  const name = (m[1] ?? '').trim();
  return name || (m[2] ?? '').trim();
}
