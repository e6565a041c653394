import { type CommandSpec, required } from '../command.ts';
import { LARGE_IMPORT_HELP, runCsvImport } from '../csv-transfer.ts';
import { DRY_RUN_FLAG } from '../flags.ts';

export const assetsImport: CommandSpec = {
  path: ['assets', 'import'],
  summary: 'Import a Snipe-IT-format asset CSV (all or nothing)',
  details: [
    'Rows match the register by asset tag: a new tag is created, a known one updated with the cells that hold a value. Any problem refuses the whole file (exit 1), each problem with its line and column, and nothing is written.',
    LARGE_IMPORT_HELP,
  ],
  args: [{ name: 'FILE', description: 'The CSV file (- for stdin)', complete: 'file' }],
  flags: [DRY_RUN_FLAG],
  examples: ['stocktake assets import snipe-it-export.csv --dry-run', 'stocktake assets import snipe-it-export.csv'],
  async run(ctx) {
    await runCsvImport(ctx, '/api/v1/assets/import', required(ctx, 'FILE'), (row) => String(row.assetTag));
  },
};
