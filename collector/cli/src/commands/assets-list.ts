import type { Asset } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { ASSET_STATUSES } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { type ListResource, listFlags, runList } from '../list-resource.ts';
import type { Column } from '../output.ts';

const join = (...parts: (string | null)[]) => parts.filter(Boolean).join(' ');

export const ASSETS: ListResource = {
  path: '/api/v1/assets',
  ...LIST_ORDERS.assets,
  filters: [
    { flag: 'tag', param: 'assetTag', value: 'TAG', description: 'Asset tag (* and ? wildcards, any case)' },
    { flag: 'status', param: 'status', value: 'STATUS', description: 'Lifecycle status', choices: ASSET_STATUSES },
    { flag: 'serial', param: 'serial', value: 'SERIAL', description: 'Serial number (wildcards)' },
    { flag: 'hostname', param: 'hostname', value: 'NAME', description: 'Host name (wildcards)' },
    { flag: 'manufacturer', param: 'manufacturer', value: 'NAME', description: 'Manufacturer (wildcards)' },
    { flag: 'model', param: 'model', value: 'NAME', description: 'Model (wildcards)' },
    { flag: 'category', param: 'category', value: 'NAME', description: 'Category (wildcards)' },
    { flag: 'location', param: 'location', value: 'NAME', description: 'Location (wildcards)' },
    { flag: 'cost-center', param: 'costCenter', value: 'NAME', description: 'Cost centre (wildcards)' },
    { flag: 'supplier', param: 'supplier', value: 'NAME', description: 'Supplier (wildcards)' },
    {
      flag: 'assignee',
      param: 'assignee',
      value: 'NAME',
      description: 'Assignee name, e-mail or user name (wildcards)',
    },
    {
      flag: 'warranty-end-before',
      param: 'warrantyEndBefore',
      value: 'DATE',
      description: 'Warranty ends on or before this date (YYYY-MM-DD)',
    },
    { flag: 'linked', param: 'linked', sends: 'true', description: 'Only assets a discovered device is linked to' },
    { flag: 'unlinked', param: 'linked', sends: 'false', description: 'Only assets no device is linked to' },
  ],
  search: 'asset tag, name, serial, host name, assignee, MAC or linked device IP contains TEXT',
};

const ASSET_COLUMNS: readonly Column<Asset>[] = [
  { header: 'tag', value: (a) => a.assetTag },
  { header: 'name', value: (a) => a.name },
  { header: 'status', value: (a) => a.status },
  { header: 'serial', value: (a) => a.serial },
  { header: 'model', value: (a) => join(a.manufacturer, a.model) },
  { header: 'assignee', value: (a) => a.assigneeName ?? a.assigneeUsername },
  { header: 'location', value: (a) => a.location },
  { header: 'id', value: (a) => a.id, keep: true },
];

export const assetsList: CommandSpec = {
  path: ['assets', 'list'],
  summary: 'List register assets (filter, search, sort, CSV)',
  details: ['Text filters ignore case and take * and ? as wildcards. Filters combine (all must hold).'],
  flags: listFlags(ASSETS),
  examples: [
    'stocktake assets list --status deployed --all',
    'stocktake assets list --warranty-end-before 2026-12-31 --sort warrantyEnd',
    'stocktake assets list --status deployed --unlinked',
  ],
  async run(ctx) {
    await runList(ctx, ASSETS, ASSET_COLUMNS, 'No assets match (stocktake assets import FILE fills the register).');
  },
};
