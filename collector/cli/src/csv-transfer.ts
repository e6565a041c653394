import { createWriteStream, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportOutcome } from '@stocktake/shared/api';
import type { CommandContext } from './command.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import type { ByteSink } from './http-client.ts';
import { formatBytes } from './output.ts';
import { progressBar } from './progress.ts';

/** The bytes of FILE, or of stdin for `-`; unreadable is exit 6. */
export function readInput(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new CliError(EXIT.localFile, `cannot read ${file}: ${(err as Error).message}`);
  }
}

const describe = (value: unknown) => (value === null || value === undefined ? '(empty)' : String(value));

/**
 * Uploads a CSV to an import route (all or nothing on the collector's side) and prints what it
 * did or, with --dry-run, would do. `label` names a row (asset tag, product).
 */
export async function runCsvImport(
  ctx: CommandContext,
  route: string,
  file: string,
  label: (row: Record<string, unknown>) => string,
): Promise<void> {
  const data = readInput(file);
  const dryRun = ctx.flags.bool('dry-run');
  const client = await ctx.client();
  const bar = progressBar(ctx.io, `upload ${file === '-' ? 'stdin' : basename(file)}`);
  let outcome: ImportOutcome;
  try {
    outcome = await client.json<ImportOutcome>({
      method: 'POST',
      path: route,
      query: { dryRun },
      upload: {
        data,
        contentType: 'text/csv; charset=utf-8',
        onProgress: (done, total) => {
          bar.update(done, total);
          if (done === total) bar.wait(dryRun ? 'collector checking the file' : 'collector importing');
        },
      },
    });
  } finally {
    bar.finish();
  }
  if (ctx.json) {
    ctx.print.json(outcome);
    return;
  }
  const p = ctx.print;
  const counts = dryRun
    ? `${outcome.created.length} to create, ${outcome.updated.length} to update, ${outcome.unchanged.length} unchanged; nothing written (dry run)`
    : `${outcome.created.length} created, ${outcome.updated.length} updated, ${outcome.unchanged.length} unchanged`;
  p.line(`${outcome.rows} rows: ${counts}`);
  if (outcome.ignoredColumns.length > 0) p.line(`Ignored columns: ${outcome.ignoredColumns.join(', ')}`);
  const rows = [
    ...outcome.created.map((r) => ({ line: r.line, name: label(r), change: dryRun ? 'would create' : 'created' })),
    ...outcome.updated.map((r) => ({
      line: r.line,
      name: label(r),
      change: r.changes.map((c) => `${c.field}: ${describe(c.from)} → ${describe(c.to)}`).join('; '),
    })),
  ].sort((a, b) => a.line - b.line);
  if (rows.length > 0) {
    p.line();
    p.table(rows, [
      { header: 'line', value: (r) => r.line, align: 'right' },
      { header: 'row', value: (r) => r.name },
      { header: 'change', value: (r) => r.change },
    ]);
  }
}

/** Downloads a CSV export to FILE (written aside, then renamed) or to stdout. */
export async function runCsvExport(ctx: CommandContext, route: string, file: string | undefined): Promise<void> {
  const client = await ctx.client();
  const bar = progressBar(ctx.io, `download ${file ? basename(file) : 'export'}`);
  bar.wait('collector preparing the export');
  if (!file || file === '-') {
    const chunks: Buffer[] = [];
    const sink: ByteSink = {
      write(chunk) {
        chunks.push(chunk);
        return true;
      },
      once() {},
    };
    try {
      await client.download({ method: 'GET', path: route, accept: 'text/csv' }, sink, (d, t) => bar.update(d, t));
    } finally {
      bar.finish();
    }
    ctx.io.out(Buffer.concat(chunks).toString('utf8'));
    return;
  }
  const temp = `${file}.${process.pid}.part`;
  const out = createWriteStream(temp);
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  let bytes = 0;
  try {
    await opened;
    await client.download({ method: 'GET', path: route, accept: 'text/csv' }, out, (done, total) => {
      bytes = done;
      bar.update(done, total);
    });
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
    renameSync(temp, file);
  } catch (err) {
    out.destroy();
    rmSync(temp, { force: true });
    if (err instanceof CliError) throw err;
    throw new CliError(EXIT.localFile, `cannot write ${file}: ${(err as Error).message}`);
  } finally {
    bar.finish();
  }
  ctx.print.note(`Wrote ${file} (${formatBytes(bytes)})`);
}
