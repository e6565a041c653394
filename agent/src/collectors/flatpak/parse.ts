import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';

/** The columns asked for, in this order; flatpak prints them tab-separated when stdout is not a terminal. */
export const FLATPAK_COLUMNS = ['application', 'name', 'version', 'arch', 'branch', 'origin', 'installation'] as const;

export const FLATPAK_LIST_ARGS: readonly string[] = ['list', `--columns=${FLATPAK_COLUMNS.join(',')}`];

/**
 * A flatpak ref id: at least three dot-separated elements of letters, digits, `_` and `-`
 * (`org.mozilla.firefox`, `org.freedesktop.Platform.GL.default`). A row whose first cell is
 * not one (a header, a terminal-formatted line) is not a ref.
 */
const REF_ID = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*){2,}$/;

/**
 * Parses `flatpak list --columns=FLATPAK_COLUMNS`: one ref per line, seven tab-separated
 * cells, empty cells kept as empty strings. Apps and runtimes are both listed (see README).
 * The version is flatpak's (from the ref's AppStream data) or, when it has none, the branch
 * (`23.08` for a runtime), so two branches of one ref stay two items. Refs that end up the
 * same item (one app in the system and a user installation) are listed once.
 */
export function parseFlatpakList(text: string): SoftwareItem[] {
  const items = new Map<string, SoftwareItem>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const cells = line.split('\t');
    if (cells.length !== FLATPAK_COLUMNS.length) continue;
    const [id = '', , version = '', arch = '', branch = ''] = cells.map((c) => c.trim());
    if (!REF_ID.test(id)) continue;

    const item: SoftwareItem = { name: id, version: version || branch, source: 'flatpak' };
    if (arch) item.arch = arch;
    const key = `${item.name}\u0000${item.arch ?? ''}\u0000${item.version}`;
    if (!items.has(key)) items.set(key, item);
  }
  return [...items.values()].sort(compareSoftware);
}
