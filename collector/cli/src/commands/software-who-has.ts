import type { WhoHasItem } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { USAGE_CLASSES } from '../choices.ts';
import { type CommandSpec, required } from '../command.ts';
import { type ListResource, listFlags, runList } from '../list-resource.ts';
import { type Column, formatAgo } from '../output.ts';
import { DEVICE_FILTERS, DEVICE_SEARCH } from './devices-list.ts';
import { PUBLISHER_FILTER, SOURCE_FILTER, VERSION_FILTERS } from './software-list.ts';

export const WHO_HAS: ListResource = {
  path: '/api/v1/software/who-has',
  ...LIST_ORDERS.devices,
  filters: [
    ...VERSION_FILTERS,
    PUBLISHER_FILTER,
    SOURCE_FILTER,
    {
      flag: 'usage',
      param: 'usage',
      value: 'CLASS',
      description: 'Only devices where an install is used, rarely_used, unused or unknown (and only those installs)',
      choices: USAGE_CLASSES,
    },
    ...DEVICE_FILTERS,
  ],
  search: DEVICE_SEARCH,
};

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' ');

/** Each install's class, with its last day of use where one is known: `unused 2026-08-14`. */
function usageOf(d: WhoHasItem): string {
  const classes = d.software.map((s) => (s.usage ? join(s.usage, s.lastUsed) : ''));
  return [...new Set(classes.filter(Boolean))].join(', ');
}

const WHO_HAS_COLUMNS: readonly Column<WhoHasItem>[] = [
  { header: 'hostname', value: (d) => d.hostname },
  { header: 'versions', value: (d) => d.versions.join(', ') },
  { header: 'usage', value: usageOf },
  { header: 'os', value: (d) => join(d.osName, d.osVersion) },
  { header: 'user', value: (d) => d.primaryUser },
  { header: 'asset', value: (d) => d.assetTag },
  { header: 'last seen', value: (d) => formatAgo(d.lastSeenAt) },
  { header: 'id', value: (d) => d.id, keep: true },
];

export const softwareWhoHas: CommandSpec = {
  path: ['software', 'who-has'],
  summary: 'Devices that have a package (and which versions), optionally older than a version',
  details: [
    'NAME ignores case and takes * and ? as wildcards. Versions compare as package managers order them (1:2.0 > 1.9, 3.0.13 > 3.0.9, 1.0~rc1 < 1.0). The device filters of devices list apply too. USAGE gives each matching install’s class by the policy (used, rarely_used, unused, unknown) and its last day of use.',
  ],
  args: [{ name: 'NAME', description: 'Package name, e.g. openssl or "openssl*"' }],
  flags: listFlags(WHO_HAS),
  examples: [
    'stocktake software who-has openssl --version-lt 3.0.13',
    'stocktake software who-has openssl --versions ">=3.0 <3.0.13" --os-family linux --csv > to-patch.csv',
    'stocktake software who-has "*chrome*" --source registry --all --json',
    'stocktake software who-has "Adobe Acrobat*" --usage unused --csv > to-reclaim.csv',
  ],
  async run(ctx) {
    await runList(ctx, WHO_HAS, WHO_HAS_COLUMNS, 'No device has it.', { name: required(ctx, 'NAME') });
  },
};
