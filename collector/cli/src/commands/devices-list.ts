import type { DeviceListItem } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import type { CommandSpec } from '../command.ts';
import { type ListFilter, type ListResource, listFlags, runList } from '../list-resource.ts';
import { type Column, formatAgo } from '../output.ts';
import { resolveAsset } from '../resolve.ts';

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' ');

/** The device list's filters; who-has takes them too. */
export const DEVICE_FILTERS: readonly ListFilter[] = [
  { flag: 'hostname', param: 'hostname', value: 'NAME', description: 'Host name (* and ? wildcards, any case)' },
  { flag: 'serial', param: 'serial', value: 'SERIAL', description: 'Hardware serial (wildcards)' },
  { flag: 'vendor', param: 'vendor', value: 'NAME', description: 'Hardware vendor (wildcards)' },
  { flag: 'model', param: 'model', value: 'NAME', description: 'Hardware model (wildcards)' },
  { flag: 'os-family', param: 'osFamily', value: 'FAMILY', description: 'linux, windows or macos' },
  { flag: 'os', param: 'osName', value: 'NAME', description: 'OS name, e.g. "Ubuntu" or "Windows 11*" (wildcards)' },
  { flag: 'os-version', param: 'osVersion', value: 'VERSION', description: 'OS version, e.g. 22.04* (wildcards)' },
  { flag: 'user', param: 'user', value: 'NAME', description: 'The user of the device (wildcards)' },
  { flag: 'agent-version', param: 'agentVersion', value: 'VERSION', description: 'Agent version (wildcards)' },
  {
    flag: 'asset',
    param: 'assetId',
    value: 'ASSET',
    description: 'Linked to this register asset (id or tag)',
    resolve: resolveAsset,
  },
  { flag: 'linked', param: 'linked', sends: 'true', description: 'Only devices linked to a register asset' },
  { flag: 'unlinked', param: 'linked', sends: 'false', description: 'Only devices not in the register' },
  { flag: 'not-seen-days', param: 'notSeenDays', value: 'N', description: 'Not seen for at least N days' },
  { flag: 'seen-within-days', param: 'seenWithinDays', value: 'N', description: 'Seen within the last N days' },
  {
    flag: 'min-security-updates',
    param: 'minPendingSecurityUpdates',
    value: 'N',
    description: 'At least N security updates pending',
  },
];

export const DEVICE_SEARCH = 'host name, serial, asset tag, user, IP address or MAC contains TEXT';

export const DEVICES: ListResource = {
  path: '/api/v1/devices',
  ...LIST_ORDERS.devices,
  filters: DEVICE_FILTERS,
  search: DEVICE_SEARCH,
};

export const DEVICE_COLUMNS: readonly Column<DeviceListItem>[] = [
  { header: 'hostname', value: (d) => d.hostname },
  { header: 'os', value: (d) => join(d.osName, d.osVersion) },
  { header: 'model', value: (d) => join(d.vendor, d.model) },
  { header: 'serial', value: (d) => d.hardwareSerial },
  { header: 'user', value: (d) => d.primaryUser },
  { header: 'asset', value: (d) => d.assetTag },
  { header: 'packages', value: (d) => d.softwareCount, align: 'right' },
  {
    header: 'updates',
    value: (d) =>
      d.pendingUpdates === null
        ? undefined
        : `${d.pendingUpdates}${d.pendingSecurityUpdates ? ` (${d.pendingSecurityUpdates} sec)` : ''}`,
    align: 'right',
  },
  { header: 'last seen', value: (d) => formatAgo(d.lastSeenAt) },
  { header: 'id', value: (d) => d.id, keep: true },
];

export const devicesList: CommandSpec = {
  path: ['devices', 'list'],
  summary: 'List devices the agents reported (filter, search, sort, CSV)',
  details: ['Text filters ignore case and take * and ? as wildcards. Filters combine (all must hold).'],
  flags: listFlags(DEVICES),
  examples: [
    'stocktake devices list --os Ubuntu --os-version "22.04*"',
    'stocktake devices list --not-seen-days 30 --sort lastSeenAt',
    'stocktake devices list --search 10.1.2.',
    'stocktake devices list --unlinked --csv > unregistered.csv',
    'stocktake devices list --all --json | jq -r ".items[].hostname"',
  ],
  async run(ctx) {
    await runList(ctx, DEVICES, DEVICE_COLUMNS, 'No devices match.');
  },
};
