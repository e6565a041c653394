import { createWriteStream, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportJob, ImportOutcome } from '@stocktake/shared/api';
import { importJobPath } from '@stocktake/shared/api/vocabulary';
import type { CommandContext } from './command.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { type ApiClient, type ByteSink, reportedProblem } from './http-client.ts';
import { formatBytes } from './output.ts';
import { formatAmountBytes, formatRows, type Progress, progressBar } from './progress.ts';

/** What both import commands' help says about large files. */
export const LARGE_IMPORT_HELP =
  "A file over 1 MiB becomes a job on the collector: the command follows it with a progress bar (on a terminal) until it is done. A file over STOCKTAKE_CSV_BODY_LIMIT (32 MiB, the collector's default limit) is refused before it is sent (exit 6).";

/** The largest file an import sends unless STOCKTAKE_CSV_BODY_LIMIT says otherwise: the collector's default limit. */
export const DEFAULT_IMPORT_LIMIT = 32 * 1024 * 1024;
/** How often a running import job is asked how far it has come, in ms. */
const POLL_MS = 500;

/** The import size limit: STOCKTAKE_CSV_BODY_LIMIT (the collector's setting of the same name), or 32 MiB. */
export function importLimit(env: NodeJS.ProcessEnv): number {
  const raw = env.STOCKTAKE_CSV_BODY_LIMIT;
  if (raw === undefined || raw === '') return DEFAULT_IMPORT_LIMIT;
  if (!/^\d+$/.test(raw))
    throw new CliError(EXIT.usage, `STOCKTAKE_CSV_BODY_LIMIT must be a number of bytes, got "${raw}"`);
  return Number(raw);
}

function tooLarge(file: string, size: string, limit: number): CliError {
  return new CliError(
    EXIT.localFile,
    `${file} is ${size}, over the import limit of ${formatAmountBytes(limit)}: split it into smaller files, or raise STOCKTAKE_CSV_BODY_LIMIT (the collector's --csv-body-limit must allow it too)`,
  );
}

/**
 * The bytes of FILE, or of stdin for `-`; unreadable is exit 6. A file over `limit` is refused
 * before it is read, and stdin as soon as it passes the limit, so memory stays bounded.
 */
export async function readInput(file: string, limit: number = Number.POSITIVE_INFINITY): Promise<Buffer> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of process.stdin) {
        bytes += (chunk as Buffer).length;
        if (bytes > limit) throw tooLarge('stdin', `more than ${formatAmountBytes(limit)}`, limit);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    }
    const { size } = statSync(file);
    if (size > limit) throw tooLarge(file, formatAmountBytes(size), limit);
    return readFileSync(file);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(EXIT.localFile, `cannot read ${file}: ${(err as Error).message}`);
  }
}

/** What a person reads of an encoding the collector detected. */
const ENCODING_NAMES: Readonly<Record<ImportOutcome['detected']['encoding'], string>> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with a byte order mark',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1252': 'Windows-1252',
  macintosh: 'Mac Roman',
};

/** "UTF-8, semicolon-separated": how the collector read the file. */
export function describeRead(detected: ImportOutcome['detected']): string {
  return `${ENCODING_NAMES[detected.encoding]}, ${detected.delimiter}-separated`;
}

const describe = (value: unknown) => (value === null || value === undefined ? '(empty)' : String(value));

const isJob = (answer: ImportOutcome | ImportJob): answer is ImportJob => 'state' in answer;

/** What each phase of a job is called on its progress bar. */
const PHASE_LABELS: Record<ImportJob['progress']['phase'], string> = {
  queued: 'waiting for earlier imports',
  parsing: 'collector reading the file',
  planning: 'collector checking rows',
  writing: 'collector writing rows',
  done: 'done',
};

/**
 * Follows an import job until it is done, with a bar per phase (rows), and answers with what
 * it did; a refused file fails as the synchronous answer would have.
 */
async function followJob(ctx: CommandContext, client: ApiClient, started: ImportJob): Promise<ImportOutcome> {
  let job = started;
  let phase: ImportJob['progress']['phase'] | undefined;
  let bar: Progress | undefined;
  try {
    for (;;) {
      if (job.progress.phase !== phase) {
        bar?.finish();
        phase = job.progress.phase;
        bar = progressBar(ctx.io, PHASE_LABELS[phase], Date.now, formatRows);
        if (phase === 'queued') bar.wait('');
      }
      bar?.update(job.progress.done, job.progress.total);
      if (job.state === 'succeeded' || job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, POLL_MS));
      job = await client.get<ImportJob>(importJobPath(job.id));
    }
  } finally {
    bar?.finish();
  }
  if (job.state === 'failed' || !job.result) {
    throw job.problem
      ? reportedProblem(job.problem)
      : new CliError(EXIT.collectorError, `import job ${job.id} failed without saying why`);
  }
  return job.result;
}

/**
 * Uploads a CSV to an import route (all or nothing on the collector's side) and prints what it
 * did or, with --dry-run, would do. `label` names a row (asset tag, product). A large file is
 * answered with a job (202), followed here with a progress bar until it is done.
 */
export async function runCsvImport(
  ctx: CommandContext,
  route: string,
  file: string,
  label: (row: Record<string, unknown>) => string,
  query: Readonly<Record<string, string | boolean>> = {},
): Promise<void> {
  const data = await readInput(file, importLimit(ctx.io.env));
  const dryRun = ctx.flags.bool('dry-run');
  const client = await ctx.client();
  const bar = progressBar(ctx.io, `upload ${file === '-' ? 'stdin' : basename(file)}`);
  let answer: ImportOutcome | ImportJob;
  try {
    answer = await client.json<ImportOutcome | ImportJob>({
      method: 'POST',
      path: route,
      query: { ...query, dryRun },
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
  const outcome = isJob(answer) ? await followJob(ctx, client, answer) : answer;
  if (ctx.json) {
    ctx.print.json(outcome);
    return;
  }
  const p = ctx.print;
  const counts = dryRun
    ? `${outcome.created.length} to create, ${outcome.updated.length} to update, ${outcome.unchanged.length} unchanged; nothing written (dry run)`
    : `${outcome.created.length} created, ${outcome.updated.length} updated, ${outcome.unchanged.length} unchanged`;
  p.line(`${outcome.rows} rows: ${counts}`);
  p.line(`Read as: ${describeRead(outcome.detected)}`);
  for (const warning of outcome.warnings) p.line(`Warning: ${warning}`);
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
