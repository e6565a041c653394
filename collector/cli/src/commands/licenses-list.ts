import type { License } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { LICENSE_METRICS } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { type ListResource, listFlags, runList } from '../list-resource.ts';
import type { Column } from '../output.ts';

export const LICENSES: ListResource = {
  path: '/api/v1/licenses',
  ...LIST_ORDERS.licenses,
  filters: [
    { flag: 'product', param: 'product', value: 'NAME', description: 'Product (* and ? wildcards, any case)' },
    { flag: 'publisher', param: 'publisher', value: 'NAME', description: 'Publisher (wildcards)' },
    { flag: 'metric', param: 'metric', value: 'METRIC', description: 'How seats count', choices: LICENSE_METRICS },
    { flag: 'order', param: 'orderNumber', value: 'NUMBER', description: 'Order number (wildcards)' },
    {
      flag: 'term-end-before',
      param: 'termEndBefore',
      value: 'DATE',
      description: 'Term ends on or before this date (YYYY-MM-DD)',
    },
  ],
  search: 'product, publisher, name pattern, order number or notes contains TEXT',
};

const LICENSE_COLUMNS: readonly Column<License>[] = [
  { header: 'product', value: (l) => l.product },
  { header: 'publisher', value: (l) => l.publisher },
  { header: 'versions', value: (l) => l.versionRange },
  { header: 'metric', value: (l) => l.metric },
  { header: 'seats', value: (l) => l.seats, align: 'right' },
  { header: 'term end', value: (l) => l.termEnd },
  { header: 'order', value: (l) => l.orderNumber },
  { header: 'id', value: (l) => l.id, keep: true },
];

export const licensesList: CommandSpec = {
  path: ['licenses', 'list'],
  summary: 'List license entitlements (filter, search, sort, CSV)',
  flags: listFlags(LICENSES),
  examples: ['stocktake licenses list', 'stocktake licenses list --term-end-before 2026-06-30 --sort termEnd'],
  async run(ctx) {
    await runList(
      ctx,
      LICENSES,
      LICENSE_COLUMNS,
      'No license entitlements match (stocktake licenses import FILE adds them).',
    );
  },
};
