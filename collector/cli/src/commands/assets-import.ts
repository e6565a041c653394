import { type CommandSpec, required } from '../command.ts';
import { LARGE_IMPORT_HELP, runCsvImport } from '../csv-transfer.ts';
import { UsageError } from '../errors.ts';
import { DRY_RUN_FLAG } from '../flags.ts';

export const assetsImport: CommandSpec = {
  path: ['assets', 'import'],
  summary: 'Import a Snipe-IT asset CSV or Custom Asset Report (all or nothing)',
  details: [
    'Rows match the register by asset tag: a new tag is created, a known one updated with the cells that hold a value. Any problem refuses the whole file (exit 1), each problem with its line and column, and nothing is written.',
    'The file may be UTF-8 (with or without a byte order mark), UTF-16 with one, Windows-1252 or Mac Roman, separated by commas, semicolons or tabs: the collector detects which and says so. Dates are read as Snipe-IT reads them, US 1/23/23 included: two-digit years 00–69 are 2000–2069, 70–99 are 1970–1999.',
    "Snipe-IT's status labels are your own: map the ones Stocktake does not know with --status-map 'Pending Diagnostics=in_repair,Undeployable=retired' (statuses: planned, ordered, in_stock, deployed, in_repair, retired, disposed, lost, stolen); --save-status-map keeps the mapping in the policy for later imports. A row checked out to a person or a location is deployed.",
    LARGE_IMPORT_HELP,
  ],
  args: [{ name: 'FILE', description: 'The CSV file (- for stdin)', complete: 'file' }],
  flags: [
    DRY_RUN_FLAG,
    {
      name: 'status-map',
      kind: 'string',
      value: 'LABEL=STATUS,...',
      description: "Read these status labels as these statuses ('Pending Diagnostics=in_repair,Undeployable=retired')",
    },
    {
      name: 'save-status-map',
      kind: 'boolean',
      description: "Keep --status-map in the collector's policy, so later imports use it without the flag",
    },
  ],
  examples: [
    'stocktake assets import snipe-it-export.csv --dry-run',
    'stocktake assets import snipe-it-export.csv',
    "stocktake assets import custom-asset-report.csv --status-map 'Pending Diagnostics=in_repair,Undeployable=retired' --save-status-map",
  ],
  async run(ctx) {
    const statusMap = ctx.flags.string('status-map');
    const save = ctx.flags.bool('save-status-map');
    if (save && statusMap === undefined)
      throw new UsageError('--save-status-map needs --status-map', ['assets', 'import']);
    await runCsvImport(ctx, '/api/v1/assets/import', required(ctx, 'FILE'), (row) => String(row.assetTag), {
      ...(statusMap !== undefined ? { statusMap } : {}),
      ...(save ? { saveStatusMap: true } : {}),
    });
  },
};
