import type { License } from '../api-types.ts';
import type { CommandSpec } from '../command.ts';
import { PAGE_FLAGS } from '../flags.ts';
import { printList } from '../listing.ts';
import type { Column } from '../output.ts';

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
  summary: 'List license entitlements, by product',
  flags: [{ name: 'product', kind: 'string', value: 'NAME', description: 'Only this product' }, ...PAGE_FLAGS],
  examples: ['stocktake licenses list'],
  async run(ctx) {
    await printList(
      ctx,
      '/api/v1/licenses',
      { product: ctx.flags.string('product') },
      LICENSE_COLUMNS,
      'No license entitlements match (stocktake licenses import FILE adds them).',
    );
  },
};
