import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Report } from '@stocktake/shared/api';
import { REPORT_FORMATS, REPORT_NAMES } from '@stocktake/shared/api/vocabulary';
import { type CommandContext, type CommandSpec, required } from '../command.ts';
import { CliError, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import type { ByteSink, Query } from '../http-client.ts';
import { formatBytes } from '../output.ts';

const ACCEPT = { json: 'application/json', csv: 'text/csv', pdf: 'application/pdf' } as const;

/** Downloads to FILE aside, then renames it into place: a failed download leaves no half a file. */
async function saveTo(ctx: CommandContext, path: string, query: Query, accept: string, file: string): Promise<number> {
  const client = await ctx.client();
  const temp = `${file}.${process.pid}.part`;
  const out = createWriteStream(temp);
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    await client.download({ method: 'GET', path, query, accept }, out, (done) => {
      bytes = done;
    });
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
    renameSync(temp, file);
    return bytes;
  } catch (err) {
    out.destroy();
    rmSync(temp, { force: true });
    if (err instanceof CliError) throw err;
    throw new CliError(EXIT.localFile, `cannot write ${file}: ${(err as Error).message}`);
  }
}

async function text(ctx: CommandContext, path: string, query: Query, accept: string): Promise<string> {
  const client = await ctx.client();
  const chunks: Buffer[] = [];
  const sink: ByteSink = {
    write(chunk) {
      chunks.push(chunk);
      return true;
    },
    once() {},
  };
  await client.download({ method: 'GET', path, query, accept }, sink);
  return Buffer.concat(chunks).toString('utf8');
}

function printSummary(ctx: CommandContext, report: Report): void {
  const p = ctx.print;
  p.line(`${report.title}, ${report.period.from} to ${report.period.to} (${report.collector}, ${report.currency})`);
  p.fields(report.summary.map((s) => [s.label, s.value === null ? '-' : String(s.value)] as [string, string]));
  for (const s of report.sections) p.note(`${s.title}: ${s.rows.length} rows (--format csv --section ${s.name})`);
}

export const report: CommandSpec = {
  path: ['report'],
  summary:
    'Make a report (tco, refresh-forecast, renewals, license-compliance, disposals, inventory-accuracy, audit-pack) as JSON, CSV or PDF',
  details: [
    'The period is --from and --to (YYYY-MM-DD), or --period: this-quarter, last-quarter, this-month, last-month, this-year, last-year, 2026-Q3 or 2026. Without either, the current quarter to today.',
    'CSV carries one table of the report: the first, or the one --section names. PDF carries the whole report and needs --output. Without --format, the headline figures are printed (--json: the report as data).',
  ],
  args: [{ name: 'NAME', description: 'Which report', complete: REPORT_NAMES }],
  flags: [
    { name: 'format', kind: 'string', value: 'FORMAT', choices: REPORT_FORMATS, description: 'json, csv or pdf' },
    { name: 'from', kind: 'string', value: 'DATE', description: 'First day of the period (YYYY-MM-DD)' },
    { name: 'to', kind: 'string', value: 'DATE', description: 'Last day of the period (YYYY-MM-DD)' },
    {
      name: 'period',
      kind: 'string',
      value: 'PERIOD',
      suggestions: ['this-quarter', 'last-quarter', 'this-month', 'last-month', 'this-year', 'last-year'],
      description: 'A named period instead of --from and --to',
    },
    { name: 'section', kind: 'string', value: 'NAME', description: 'CSV: which table of the report' },
    {
      name: 'output',
      short: 'o',
      kind: 'string',
      value: 'FILE',
      file: true,
      description: 'Write to FILE (written aside, then renamed)',
    },
  ],
  examples: [
    'stocktake report audit-pack --period last-quarter --format pdf --output audit-pack.pdf',
    'stocktake report tco --from 2026-01-01 --to 2026-06-30 --format csv --section rollups',
    'stocktake report renewals',
  ],
  async run(ctx) {
    const name = required(ctx, 'NAME');
    if (!(REPORT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown report ${name}: one of ${REPORT_NAMES.join(', ')}`, ['report']);
    }
    const format = ctx.flags.string('format') as (typeof REPORT_FORMATS)[number] | undefined;
    const output = ctx.flags.string('output');
    if (format === 'pdf' && (!output || output === '-')) {
      throw new UsageError('a PDF report needs --output FILE', ['report']);
    }
    const query: Query = {
      from: ctx.flags.string('from'),
      to: ctx.flags.string('to'),
      period: ctx.flags.string('period'),
      section: ctx.flags.string('section'),
      ...(format ? { format } : {}),
    };
    const path = `/api/v1/reports/${name}`;
    const accept = ACCEPT[format ?? 'json'];
    if (output && output !== '-') {
      const bytes = await saveTo(ctx, path, query, accept, output);
      ctx.print.note(`Wrote ${output} (${formatBytes(bytes)})`);
      return;
    }
    if (format === 'csv') {
      ctx.io.out(await text(ctx, path, query, accept));
      return;
    }
    const answer = JSON.parse(await text(ctx, path, query, accept)) as Report;
    if (format === 'json' || ctx.json) ctx.print.json(answer);
    else printSummary(ctx, answer);
  },
};
