import type { CommandSpec } from '../command.ts';
import { runCsvExport } from '../csv-transfer.ts';

export const licensesExport: CommandSpec = {
  path: ['licenses', 'export'],
  summary: 'Write license entitlements as CSV (to stdout without FILE)',
  args: [
    { name: 'FILE', description: 'Where to write (written aside, then renamed)', optional: true, complete: 'file' },
  ],
  examples: ['stocktake licenses export licenses.csv'],
  async run(ctx) {
    await runCsvExport(ctx, '/api/v1/licenses/export.csv', ctx.args.FILE);
  },
};
