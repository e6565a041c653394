import type { DeviceSummary } from '../api-types.ts';
import type { CommandSpec } from '../command.ts';
import { PAGE_FLAGS } from '../flags.ts';
import { printList } from '../listing.ts';
import { type Column, formatAgo, formatBytes } from '../output.ts';

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' ');

export const DEVICE_COLUMNS: readonly Column<DeviceSummary>[] = [
  { header: 'hostname', value: (d) => d.hostname },
  { header: 'os', value: (d) => join(d.osName, d.osVersion) },
  { header: 'model', value: (d) => join(d.vendor, d.model) },
  { header: 'serial', value: (d) => d.hardwareSerial },
  { header: 'memory', value: (d) => formatBytes(d.memoryBytes), align: 'right' },
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
  summary: 'List devices the agents reported, by host name',
  flags: [...PAGE_FLAGS],
  examples: ['stocktake devices list', 'stocktake devices list --all --json | jq -r ".items[].hostname"'],
  async run(ctx) {
    await printList(ctx, '/api/v1/devices', {}, DEVICE_COLUMNS, 'No devices yet: no agent has reported.');
  },
};
