import { type CommandSpec, required } from '../command.ts';
import { LARGE_IMPORT_HELP, runCsvImport } from '../csv-transfer.ts';
import { DRY_RUN_FLAG } from '../flags.ts';

export const licensesImport: CommandSpec = {
  path: ['licenses', 'import'],
  summary: 'Import license entitlements from CSV (all or nothing)',
  details: [
    'Columns: product, publisher, name_pattern, publisher_pattern, version_range, metric (per_device | per_user), seats, term_start, term_end, cost_per_seat, order_number, notes. Product and order number identify an entitlement. Any problem refuses the whole file (exit 1) and nothing is written.',
    LARGE_IMPORT_HELP,
  ],
  args: [{ name: 'FILE', description: 'The CSV file (- for stdin)', complete: 'file' }],
  flags: [DRY_RUN_FLAG],
  examples: ['stocktake licenses import licenses.csv --dry-run'],
  async run(ctx) {
    await runCsvImport(ctx, '/api/v1/licenses/import', required(ctx, 'FILE'), (row) =>
      row.orderNumber ? `${String(row.product)} (order ${String(row.orderNumber)})` : String(row.product),
    );
  },
};
