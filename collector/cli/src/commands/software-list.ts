import type { CatalogueEntry } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { SOFTWARE_SOURCES } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { type ListFilter, type ListResource, listFlags, runList } from '../list-resource.ts';
import type { Column } from '../output.ts';

/** Version filters, compared as package managers order versions (3.0.13 > 3.0.9); who-has takes them too. */
export const VERSION_FILTERS: readonly ListFilter[] = [
  {
    flag: 'versions',
    param: 'version',
    value: 'RANGE',
    description: 'A version or range: 3.0.13, "<3.0.13", ">=1.1 <1.2", "3.*", "1.x || >=2"',
  },
  { flag: 'version-lt', param: 'versionLt', value: 'V', description: 'Versions older than V' },
  { flag: 'version-lte', param: 'versionLte', value: 'V', description: 'Versions at most V' },
  { flag: 'version-gt', param: 'versionGt', value: 'V', description: 'Versions newer than V' },
  { flag: 'version-gte', param: 'versionGte', value: 'V', description: 'Versions at least V' },
];

export const PUBLISHER_FILTER: ListFilter = {
  flag: 'publisher',
  param: 'publisher',
  value: 'NAME',
  description: 'Publisher (* and ? wildcards, any case)',
};

export const SOURCE_FILTER: ListFilter = {
  flag: 'source',
  param: 'source',
  value: 'SOURCE',
  description: 'Package source',
  choices: SOFTWARE_SOURCES,
};

export const CATALOGUE: ListResource = {
  path: '/api/v1/software',
  ...LIST_ORDERS.software,
  filters: [
    { flag: 'name', param: 'name', value: 'NAME', description: 'Package name (* and ? wildcards, any case)' },
    PUBLISHER_FILTER,
    SOURCE_FILTER,
    { flag: 'arch', param: 'arch', value: 'ARCH', description: 'Architecture: amd64, x86_64, arm64 (wildcards)' },
    ...VERSION_FILTERS,
    {
      flag: 'include-uninstalled',
      param: 'includeUninstalled',
      sends: 'true',
      description: 'Also versions no device has any more',
    },
  ],
  search: 'name, publisher or version contains TEXT',
};

const CATALOGUE_COLUMNS: readonly Column<CatalogueEntry>[] = [
  { header: 'name', value: (s) => s.name },
  { header: 'version', value: (s) => s.version },
  { header: 'arch', value: (s) => s.arch },
  { header: 'source', value: (s) => s.source },
  { header: 'publisher', value: (s) => s.publisher },
  { header: 'devices', value: (s) => s.installs, align: 'right' },
  { header: 'used', value: (s) => s.used, align: 'right' },
  { header: 'rarely', value: (s) => s.rarelyUsed, align: 'right' },
  { header: 'unused', value: (s) => s.unused, align: 'right' },
  { header: 'unknown', value: (s) => s.usageUnknown, align: 'right' },
];

export const softwareList: CommandSpec = {
  path: ['software', 'list'],
  summary: 'The software catalogue: each package version and how many devices have it',
  details: [
    'One row per (source, name, version, arch) installed somewhere; DEVICES counts the devices that have it now.',
    'USED, RARELY, UNUSED and UNKNOWN split those installs by last use, with the policy’s thresholds (used within 30 days, unused after 90, by default); UNKNOWN: devices that do not meter use, or not for long enough to tell.',
  ],
  flags: listFlags(CATALOGUE),
  examples: [
    'stocktake software list --name openssl',
    'stocktake software list --sort -installs --limit 20',
    'stocktake software list --name "google-chrome*" --version-lt 120',
  ],
  async run(ctx) {
    // Said outright rather than left to the collector's default: installed now, unless asked.
    await runList(ctx, CATALOGUE, CATALOGUE_COLUMNS, 'No software matches.', { includeUninstalled: 'false' });
  },
};
