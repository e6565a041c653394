import type { CommandSpec } from '../command.ts';
import { runCsvExport } from '../csv-transfer.ts';

export const assetsExport: CommandSpec = {
  path: ['assets', 'export'],
  summary: 'Write the register as Snipe-IT-format CSV (to stdout without FILE)',
  args: [
    { name: 'FILE', description: 'Where to write (written aside, then renamed)', optional: true, complete: 'file' },
  ],
  examples: ['stocktake assets export register.csv'],
  async run(ctx) {
    await runCsvExport(ctx, '/api/v1/assets/export.csv', ctx.args.FILE);
  },
};
