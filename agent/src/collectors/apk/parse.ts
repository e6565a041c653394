import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';

/** What apk writes as the description of a package made by `apk add --virtual NAME ...`. */
const VIRTUAL_DESCRIPTION = 'virtual meta package';

/** The fields of one package entry that matter here, plus whether it owns any file. */
interface Entry {
  fields: Map<string, string>;
  ownsFiles: boolean;
}

/**
 * Parses apk's installed database (`/lib/apk/db/installed`): one entry per package, entries
 * separated by empty lines, each line `K:value` with a one-character key (`P` name, `V`
 * version, `A` arch, `m` maintainer, `F`/`R` directories and files, ...). Virtual meta
 * packages (`apk add --virtual`) are dropped: they own no files and only pin dependencies.
 * Never throws: CRLF, a missing final newline and junk lines are tolerated.
 */
export function parseApkInstalled(text: string): SoftwareItem[] {
  const items: SoftwareItem[] = [];
  for (const entry of entries(text)) {
    const item = toItem(entry);
    if (item) items.push(item);
  }
  return items.sort(compareSoftware);
}

function toItem({ fields, ownsFiles }: Entry): SoftwareItem | undefined {
  const name = fields.get('P');
  if (!name) return undefined;
  if (!ownsFiles && fields.get('T') === VIRTUAL_DESCRIPTION) return undefined;

  const item: SoftwareItem = { name, version: fields.get('V') ?? '', source: 'apk' };
  const arch = fields.get('A');
  if (arch) item.arch = arch;
  const publisher = maintainerName(fields.get('m') ?? '');
  if (publisher) item.publisher = publisher;
  return item;
}

function* entries(text: string): Generator<Entry> {
  let current: Entry = { fields: new Map(), ownsFiles: false };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (current.fields.size > 0) yield current;
      current = { fields: new Map(), ownsFiles: false };
      continue;
    }
    // Every line is a one-character key, a colon, then the value; anything else is junk.
    if (line.length < 2 || line[1] !== ':') continue;
    const key = line[0] ?? '';
    if (!/^[A-Za-z]$/.test(key)) continue;
    if (key === 'R') current.ownsFiles = true;
    // Keys repeat only for file records (F, R, a, Z, M); for the package fields the first wins.
    if (!current.fields.has(key)) current.fields.set(key, line.slice(2).trim());
  }
  if (current.fields.size > 0) yield current;
}

/** `Name <address>` becomes `Name`; a bare address is kept so the field is not lost. */
function maintainerName(value: string): string {
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(value);
  if (!m) return value.trim();
  const name = (m[1] ?? '').trim();
  return name || (m[2] ?? '').trim();
}
