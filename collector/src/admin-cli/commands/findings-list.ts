import type { Finding } from '../api-types.ts';
import { FINDING_SEVERITIES, FINDING_STATUSES, FINDING_TYPES } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { PAGE_FLAGS } from '../flags.ts';
import { printList } from '../listing.ts';
import { type Column, formatAgo } from '../output.ts';
import { resolveAsset, resolveDevice, resolveLicense } from '../resolve.ts';

const SORT_FIELDS = ['severity', 'lastSeenAt', 'firstSeenAt', 'openedAt', 'id'];

export const FINDING_COLUMNS: readonly Column<Finding>[] = [
  { header: 'id', value: (f) => f.id, align: 'right', keep: true },
  { header: 'severity', value: (f) => f.severity },
  { header: 'type', value: (f) => f.type },
  { header: 'status', value: (f) => f.status },
  { header: 'opened', value: (f) => formatAgo(f.openedAt) },
  { header: 'summary', value: (f) => f.summary },
];

export const findingsList: CommandSpec = {
  path: ['findings', 'list'],
  summary: 'Findings of reconciliation (default: unresolved, most severe first)',
  flags: [
    { name: 'type', kind: 'string', value: 'TYPE', description: 'Only this type', choices: FINDING_TYPES },
    {
      name: 'status',
      kind: 'string',
      value: 'STATUS',
      description: 'active (open, acknowledged, snoozed; the default), all, or one status',
      choices: ['active', 'all', ...FINDING_STATUSES],
    },
    {
      name: 'severity',
      kind: 'string',
      value: 'LEVEL',
      description: 'Only this severity',
      choices: FINDING_SEVERITIES,
    },
    {
      name: 'min-severity',
      kind: 'string',
      value: 'LEVEL',
      description: 'This severity or worse',
      choices: FINDING_SEVERITIES,
    },
    {
      name: 'device',
      kind: 'string',
      value: 'DEVICE',
      description: 'Only findings involving this device (id or host name)',
    },
    { name: 'asset', kind: 'string', value: 'ASSET', description: 'Only findings involving this asset (id or tag)' },
    {
      name: 'license',
      kind: 'string',
      value: 'LICENSE',
      description: 'Only findings involving this license (id or product)',
    },
    {
      name: 'sort',
      kind: 'string',
      value: 'FIELD',
      description: 'Sort by a field, descending with a leading - (default -severity)',
      choices: SORT_FIELDS.flatMap((f) => [f, `-${f}`]),
    },
    ...PAGE_FLAGS,
  ],
  examples: [
    'stocktake findings list --type unpatched_device --min-severity high',
    'stocktake findings list --device ws-0042 --status all',
  ],
  async run(ctx) {
    const client = await ctx.client();
    const device = ctx.flags.string('device');
    const asset = ctx.flags.string('asset');
    const license = ctx.flags.string('license');
    await printList(
      ctx,
      '/api/v1/findings',
      {
        type: ctx.flags.string('type'),
        status: ctx.flags.string('status'),
        severity: ctx.flags.string('severity'),
        minSeverity: ctx.flags.string('min-severity'),
        sort: ctx.flags.string('sort'),
        deviceId: device === undefined ? undefined : await resolveDevice(client, device),
        assetId: asset === undefined ? undefined : await resolveAsset(client, asset),
        licenseId: license === undefined ? undefined : await resolveLicense(client, license),
      },
      FINDING_COLUMNS,
      'No findings match.',
    );
  },
};
