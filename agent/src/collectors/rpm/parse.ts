import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';

/**
 * One package per line, tab-separated: NAME, EPOCH (empty when the tag is absent), VERSION,
 * RELEASE, ARCH, VENDOR, INSTALLTIME. Passed as argv (no shell), so no quoting; rpm expands
 * the `\t` and `\n` escapes itself.
 */
export const RPM_QUERY_FORMAT =
  '%{NAME}\\t%|EPOCH?{%{EPOCH}}:{}|\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\n';

export const RPM_QUERY_ARGS: readonly string[] = ['-qa', '--qf', RPM_QUERY_FORMAT];

/** What rpm prints for a tag the header does not have. */
const NONE = '(none)';

/** Imported signing keys live in the rpm database as packages of this name; they are not software. */
const PUBKEY_NAME = 'gpg-pubkey';

const FIELD_COUNT = 7;

/** Parses the output of `rpm -qa --qf RPM_QUERY_FORMAT`. Lines that do not have all seven fields are skipped. */
export function parseRpmQuery(text: string): SoftwareItem[] {
  const items: SoftwareItem[] = [];
  for (const raw of text.split('\n')) {
    const item = parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (item) items.push(item);
  }
  return items.sort(compareSoftware);
}

function parseLine(line: string): SoftwareItem | undefined {
  const fields = line.split('\t');
  // A truncated line (output cut off, or a stray message on stdout) must not yield half an item.
  if (fields.length !== FIELD_COUNT) return undefined;
  const [name = '', epoch = '', version = '', release = '', arch = '', vendor = '', installTime = ''] = fields;
  if (name === '' || name === NONE || name === PUBKEY_NAME) return undefined;
  if (version === '' || version === NONE) return undefined;

  const evr = release === '' || release === NONE ? version : `${version}-${release}`;
  const item: SoftwareItem = {
    name,
    version: epoch !== '' && epoch !== NONE ? `${epoch}:${evr}` : evr,
    source: 'rpm',
  };
  if (arch !== '' && arch !== NONE) item.arch = arch;
  const publisher = vendor.trim();
  if (publisher !== '' && publisher !== NONE) item.publisher = publisher;
  const installDate = unixSecondsToIso(installTime);
  if (installDate) item.installDate = installDate;
  return item;
}

function unixSecondsToIso(value: string): string | undefined {
  if (!/^\d{1,12}$/.test(value)) return undefined;
  const seconds = Number(value);
  // The epoch itself says nothing about when the package was installed.
  if (seconds === 0) return undefined;
  return new Date(seconds * 1000).toISOString();
}
