import type { WhoHasItem } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { type CommandSpec, required } from '../command.ts';
import { type ListResource, listFlags, runList } from '../list-resource.ts';
import { type Column, formatAgo } from '../output.ts';
import { DEVICE_FILTERS, DEVICE_SEARCH } from './devices-list.ts';
import { PUBLISHER_FILTER, SOURCE_FILTER, VERSION_FILTERS } from './software-list.ts';

export const WHO_HAS: ListResource = {
  path: '/api/v1/software/who-has',
  ...LIST_ORDERS.devices,
  filters: [...VERSION_FILTERS, PUBLISHER_FILTER, SOURCE_FILTER, ...DEVICE_FILTERS],
  search: DEVICE_SEARCH,
};

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' ');

const WHO_HAS_COLUMNS: readonly Column<WhoHasItem>[] = [
  { header: 'hostname', value: (d) => d.hostname },
  { header: 'versions', value: (d) => d.versions.join(', ') },
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
    'NAME ignores case and takes * and ? as wildcards. Versions compare as package managers order them (1:2.0 > 1.9, 3.0.13 > 3.0.9, 1.0~rc1 < 1.0). The device filters of devices list apply too.',
  ],
  args: [{ name: 'NAME', description: 'Package name, e.g. openssl or "openssl*"' }],
  flags: listFlags(WHO_HAS),
  examples: [
    'stocktake software who-has openssl --version-lt 3.0.13',
    'stocktake software who-has openssl --versions ">=3.0 <3.0.13" --os-family linux --csv > to-patch.csv',
    'stocktake software who-has "*chrome*" --source registry --all --json',
  ],
  async run(ctx) {
    await runList(ctx, WHO_HAS, WHO_HAS_COLUMNS, 'No device has it.', { name: required(ctx, 'NAME') });
  },
};
