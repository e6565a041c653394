import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';

/** `snap list` in plain ASCII without colour, so marks and columns are predictable. */
export const SNAP_LIST_ARGS: readonly string[] = ['list', '--unicode=never', '--color=never'];

/**
 * Publisher validation marks snap appends to the account name: verified (`**` in ASCII,
 * `✓` in Unicode) and starred (`*`, `✪`). Stripped so the publisher is the account name.
 */
const PUBLISHER_MARK = /(?:\*\*|\*|✓|✪)$/u;

/**
 * A snap name (lower-case letters, digits, inner hyphens), optionally with the `_key` of a
 * parallel install (`hello-world_test`). Rows whose first cell is not one are not snaps.
 */
const SNAP_NAME = /^[a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?$/;

/** What snap prints for an empty cell. */
const EMPTY = '-';

/**
 * Parses `snap list` output. The header names the columns (`Name Version Rev Tracking Publisher
 * Notes`; snapd before 2.36 printed `Developer` and no `Tracking`); no cell contains a space
 * (snap names, versions, channels and account names cannot), so each row is split on
 * whitespace and a row with the wrong number of cells is skipped. Revisions whose notes
 * include `disabled` are kept on disk for rollback, not in use, and are skipped.
 */
export function parseSnapList(text: string): SoftwareItem[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const headerIndex = lines.findIndex((l) => /^Name\s+Version\s/.test(l));
  if (headerIndex < 0) return [];
  const header = (lines[headerIndex] ?? '').trim().split(/\s+/);
  const col = (name: string) => header.indexOf(name);
  const nameCol = col('Name');
  const versionCol = col('Version');
  const notesCol = col('Notes');
  const publisherCol = col('Publisher') >= 0 ? col('Publisher') : col('Developer');

  const items: SoftwareItem[] = [];
  const seen = new Set<string>();
  for (const line of lines.slice(headerIndex + 1)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length !== header.length) continue;
    const name = cells[nameCol] ?? '';
    if (!SNAP_NAME.test(name)) continue;
    const notes = notesCol >= 0 ? (cells[notesCol] ?? '').split(',') : [];
    if (notes.includes('disabled')) continue;
    // Only one revision of a snap is active; a repeated row must not yield two items.
    if (seen.has(name)) continue;
    seen.add(name);

    const version = cells[versionCol] ?? '';
    const item: SoftwareItem = { name, version: version === EMPTY ? '' : version, source: 'snap' };
    const publisher = (publisherCol >= 0 ? (cells[publisherCol] ?? '') : '').replace(PUBLISHER_MARK, '');
    if (publisher !== '' && publisher !== EMPTY) item.publisher = publisher;
    items.push(item);
  }
  return items.sort(compareSoftware);
}
