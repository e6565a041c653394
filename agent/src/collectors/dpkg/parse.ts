import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';

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

/** The only fields read; every other line is skipped without being copied. */
const FIELDS: ReadonlySet<string> = new Set(['package', 'status', 'version', 'architecture', 'maintainer']);

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Yields the stanzas as maps of lower-cased field name to the first line of the value.
 * Walks the text by index rather than splitting it: the status file of a desktop is a few
 * megabytes, mostly Description and Conffiles continuation lines nobody reads here.
 */
function* stanzas(text: string): Generator<Stanza> {
  let current: Stanza = new Map();
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(pos);
    if (isBlank(text, pos, end)) {
      if (current.size > 0) yield current;
      current = new Map();
    } else if (first !== 32 && first !== 9) {
      const colon = text.indexOf(':', pos);
      if (colon > pos && colon < end) {
        const key = text.slice(pos, colon).trim().toLowerCase();
        // Field names never contain spaces; a line that has one before the colon is junk.
        // dpkg never writes a field twice; if a corrupt file does, keep the first.
        if (FIELDS.has(key) && !current.has(key)) {
          const lineEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
          current.set(key, text.slice(colon + 1, lineEnd).trim());
        }
      }
    }
    pos = end + 1;
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

/**
 * The list file of an installed package among the names in dpkg's info directory: a
 * `Multi-Arch: same` package's is `<name>:<arch>.list`, any other's `<name>.list`.
 */
export function listFileOf(item: Pick<SoftwareItem, 'name' | 'arch'>, lists: ReadonlySet<string>): string | undefined {
  const qualified = item.arch ? `${item.name}:${item.arch}.list` : undefined;
  if (qualified && lists.has(qualified)) return qualified;
  const plain = `${item.name}.list`;
  return lists.has(plain) ? plain : undefined;
}

/** A list file's mtime as an install date (ISO 8601 UTC, to the second); none for a missing file or the epoch. */
export function installDateOf(mtime: Date | undefined): string | undefined {
  const ms = mtime?.getTime();
  if (ms === undefined || !Number.isFinite(ms) || ms < 1000) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** Whether a cached value is install dates by list file name (installDates in index.ts). */
export function isDateByList(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([file, date]) => file.endsWith('.list') && typeof date === 'string' && WHOLE_SECOND_UTC.test(date),
  );
}

/** An ISO 8601 UTC time to the second, as installDateOf writes it. */
const WHOLE_SECOND_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/;
