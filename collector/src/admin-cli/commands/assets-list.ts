import type { Asset } from '../api-types.ts';
import { ASSET_STATUSES } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { PAGE_FLAGS } from '../flags.ts';
import { printList } from '../listing.ts';
import type { Column } from '../output.ts';

const join = (...parts: (string | null)[]) => parts.filter(Boolean).join(' ');

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
  summary: 'List register assets, by asset tag',
  flags: [
    {
      name: 'status',
      kind: 'string',
      value: 'STATUS',
      description: 'Only assets in this status',
      choices: ASSET_STATUSES,
    },
    { name: 'tag', kind: 'string', value: 'TAG', description: 'Only the asset with this tag' },
    ...PAGE_FLAGS,
  ],
  examples: ['stocktake assets list --status deployed --all'],
  async run(ctx) {
    const status = ctx.flags.string('status');
    const tag = ctx.flags.string('tag');
    await printList(
      ctx,
      '/api/v1/assets',
      { status, assetTag: tag },
      ASSET_COLUMNS,
      'No assets match (the register may be empty: stocktake assets import FILE).',
    );
  },
};
