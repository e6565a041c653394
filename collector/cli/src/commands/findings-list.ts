import type { Finding } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { FINDING_SEVERITIES, FINDING_STATUSES, SHIPPED_FINDING_TYPES } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { type ListResource, listFlags, runList } from '../list-resource.ts';
import { type Column, formatAgo } from '../output.ts';
import { resolveAsset, resolveDevice, resolveLicense } from '../resolve.ts';

export const FINDINGS: ListResource = {
  path: '/api/v1/findings',
  ...LIST_ORDERS.findings,
  filters: [
    {
      flag: 'type',
      param: 'type',
      value: 'TYPE',
      description: 'Only this type (GET /api/v1/findings/types lists them)',
      suggestions: SHIPPED_FINDING_TYPES,
    },
    {
      flag: 'status',
      param: 'status',
      value: 'STATUS',
      description: 'active (open, acknowledged, snoozed; the default), all, or one status',
      choices: ['active', 'all', ...FINDING_STATUSES],
    },
    {
      flag: 'severity',
      param: 'severity',
      value: 'LEVEL',
      description: 'Only this severity',
      choices: FINDING_SEVERITIES,
    },
    {
      flag: 'min-severity',
      param: 'minSeverity',
      value: 'LEVEL',
      description: 'This severity or worse',
      choices: FINDING_SEVERITIES,
    },
    {
      flag: 'device',
      param: 'deviceId',
      value: 'DEVICE',
      description: 'Only findings involving this device (id or host name)',
      resolve: resolveDevice,
    },
    {
      flag: 'asset',
      param: 'assetId',
      value: 'ASSET',
      description: 'Only findings involving this asset (id or tag)',
      resolve: resolveAsset,
    },
    {
      flag: 'license',
      param: 'licenseId',
      value: 'LICENSE',
      description: 'Only findings involving this license (id or product)',
      resolve: resolveLicense,
    },
  ],
  search: 'summary or subject id contains TEXT',
};

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
  flags: listFlags(FINDINGS),
  examples: [
    'stocktake findings list --type unpatched_device --min-severity high',
    'stocktake findings list --device ws-0042 --status all',
  ],
  async run(ctx) {
    await runList(ctx, FINDINGS, FINDING_COLUMNS, 'No findings match.');
  },
};
