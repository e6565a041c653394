import type { ImportPhase } from '@stocktake/shared/api';
import { type CsvRecord, CsvSyntaxError, csvRecords, unescapeFormula } from '../csv/csv.ts';
import { createPace, type Pace } from '../csv/pace.ts';

/** A problem with one cell (or line) of an imported file, at the line a person sees in an editor. */
export interface ImportLineError {
  line: number;
  column?: string;
  message: string;
}

/** The file was refused: nothing was imported. */
export class ImportRefusedError extends Error {
  constructor(readonly errors: ImportLineError[]) {
    const shown = errors
      .slice(0, 20)
      .map((e) => `line ${e.line}${e.column ? ` (${e.column})` : ''}: ${e.message}`)
      .join('\n');
    const more = errors.length > 20 ? `\n... and ${errors.length - 20} more` : '';
    super(
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the file; nothing was imported:\n${shown}${more}`,
    );
    this.name = 'ImportRefusedError';
  }
}

/** Data rows one import takes unless configured otherwise (`--csv-row-limit`). */
export const DEFAULT_IMPORT_ROW_LIMIT = 200_000;

/** The file has more rows than the import takes: refused before any row is looked at. */
export class ImportTooLargeError extends Error {
  constructor(readonly maxRows: number) {
    super(`The file has more than ${maxRows} data rows, the most one import takes; split it into smaller files`);
    this.name = 'ImportTooLargeError';
  }
}

/** How far an import has come: the phase and the rows through it. */
export interface ImportProgress {
  phase: Exclude<ImportPhase, 'queued' | 'done'>;
  done: number;
  total?: number;
}

/**
 * How an import runs. Parsing, planning and writing hand the event loop back between slices of
 * rows (`pace`), so requests and agents are answered while a large file is imported.
 */
export interface ImportRun {
  /** Most data rows taken (default DEFAULT_IMPORT_ROW_LIMIT). */
  maxRows?: number;
  /** Default: slices of 10 ms (createPace()). */
  pace?: Pace;
  /** Told as rows go through each phase. */
  progress?: (progress: ImportProgress) => void;
  /**
   * Write in chunks, each its own transaction sized to take about CHUNK_TARGET_MS, with pauses
   * between, whatever the number of rows (jobs do). Otherwise only a file changing more than
   * ATOMIC_WRITE_ROWS rows is written in chunks, and a smaller one in one transaction. Either
   * way the whole file is checked before anything is written; a file stopped halfway (a crash,
   * a conflict with a concurrent change) is completed by importing it again, since rows
   * already imported are unchanged and write nothing.
   */
  chunkedWrites?: boolean;
}

/** The options every import takes. */
export interface ImportOptions {
  dryRun: boolean;
  run?: ImportRun;
}

/**
 * Runs `step` for each item, handing the event loop back whenever the pace's slice is spent and
 * telling `progress` how many are done.
 */
export async function paced<T>(
  items: readonly T[],
  pace: Pace,
  step: (item: T, index: number) => Promise<void> | void,
  progress?: (done: number) => void,
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (pace.due()) {
      progress?.(i);
      await pace.pause();
    }
    await step(items[i] as T, i);
  }
  progress?.(items.length);
}

/**
 * Rows a file may change and still be written in one transaction: a transaction holds the event
 * loop while it runs, and this many rows take well under the 200 ms a probe may wait.
 */
export const ATOMIC_WRITE_ROWS = 200;
/** Time one chunk of writes aims at, in ms; the next chunk's size follows from the last one's. */
const CHUNK_TARGET_MS = 20;
const FIRST_CHUNK_ROWS = 50;
const MAX_CHUNK_ROWS = 5000;

/**
 * Stores the planned writes: in one write (all or nothing) when they are few, or in
 * transactions of about CHUNK_TARGET_MS each, handing the event loop back between them.
 */
export async function writeAll<W>(
  writes: readonly W[],
  write: (batch: W[]) => Promise<unknown>,
  run: ImportRun,
  pace: Pace,
): Promise<void> {
  const total = writes.length;
  if (total === 0) return;
  run.progress?.({ phase: 'writing', done: 0, total });
  if (!run.chunkedWrites && total <= ATOMIC_WRITE_ROWS) {
    await write([...writes]);
  } else {
    let size = FIRST_CHUNK_ROWS;
    for (let done = 0; done < total; ) {
      const batch = writes.slice(done, done + size);
      const started = performance.now();
      await write(batch);
      const elapsed = Math.max(1, performance.now() - started);
      done += batch.length;
      size = Math.max(1, Math.min(MAX_CHUNK_ROWS, Math.round((batch.length * CHUNK_TARGET_MS) / elapsed)));
      run.progress?.({ phase: 'writing', done, total });
      await pace.pause();
    }
  }
  run.progress?.({ phase: 'writing', done: total, total });
}

/** A column an importer knows: the header it exports under and the other headers it accepts. */
export interface ColumnSpec<K extends string> {
  key: K;
  aliases: readonly string[];
}

/** Headers compare case-insensitively, with `_` and runs of spaces equal to one space. */
export function normalizeHeader(raw: string): string {
  return raw.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ');
}

export interface ParsedFile<K extends string> {
  /** Column index of each known key present in the file. */
  columns: Map<K, number>;
  /** The header text of each known key as the file spells it, for error messages. */
  headers: Map<K, string>;
  ignoredColumns: string[];
  rows: { line: number; cells: Map<K, string> }[];
}

/**
 * Parses a CSV file against known columns. Unknown columns are ignored (and listed), as a
 * Snipe-IT export carries columns Stocktake has no use for; a file without a required column,
 * with a column twice, or with rows of the wrong width is refused with the lines at fault.
 * Cells are trimmed, and a spreadsheet-formula guard apostrophe from an export is removed.
 */
export async function parseImportFile<K extends string>(
  text: string,
  specs: readonly ColumnSpec<K>[],
  required: readonly K[],
  run: ImportRun = {},
): Promise<ParsedFile<K>> {
  const records = await readRecords(text, run);
  const header = records[0];
  if (!header) throw new ImportRefusedError([{ line: 1, message: 'the file is empty (a header line is required)' }]);
  const byAlias = new Map<string, K>();
  for (const spec of specs) {
    byAlias.set(normalizeHeader(spec.key), spec.key);
    for (const alias of spec.aliases)
      if (!byAlias.has(normalizeHeader(alias))) byAlias.set(normalizeHeader(alias), spec.key);
  }
  const errors: ImportLineError[] = [];
  const columns = new Map<K, number>();
  const headers = new Map<K, string>();
  const ignoredColumns: string[] = [];
  header.fields.forEach((raw, index) => {
    const key = byAlias.get(normalizeHeader(raw));
    if (!key) {
      if (raw.trim() !== '') ignoredColumns.push(raw.trim());
      return;
    }
    if (columns.has(key)) {
      errors.push({
        line: header.line,
        column: raw,
        message: `column ${raw} repeats ${headers.get(key)} (both mean ${key})`,
      });
      return;
    }
    columns.set(key, index);
    headers.set(key, raw.trim());
  });
  for (const key of required) {
    if (!columns.has(key)) errors.push({ line: header.line, message: `the header has no ${key} column` });
  }
  if (errors.length > 0) throw new ImportRefusedError(errors);
  const width = header.fields.length;
  const rows: ParsedFile<K>['rows'] = [];
  await paced(records.slice(1), run.pace ?? createPace(), (record) => {
    if (record.fields.length !== width) {
      errors.push({ line: record.line, message: `has ${record.fields.length} fields where the header has ${width}` });
      return;
    }
    const cells = new Map<K, string>();
    for (const [key, index] of columns) {
      const value = unescapeFormula((record.fields[index] ?? '').trim());
      if (value !== '') cells.set(key, value);
    }
    rows.push({ line: record.line, cells });
  });
  if (errors.length > 0) throw new ImportRefusedError(errors);
  return { columns, headers, ignoredColumns, rows };
}

/**
 * The file's records, header included, read a slice at a time; more than `maxRows` data rows
 * stop the reading at once. Progress counts the characters read.
 */
async function readRecords(text: string, run: ImportRun): Promise<CsvRecord[]> {
  const maxRows = run.maxRows ?? DEFAULT_IMPORT_ROW_LIMIT;
  const pace = run.pace ?? createPace();
  const records: CsvRecord[] = [];
  try {
    for (const record of csvRecords(text)) {
      records.push(record);
      if (records.length > maxRows + 1) throw new ImportTooLargeError(maxRows);
      if (pace.due()) {
        run.progress?.({ phase: 'parsing', done: records.length - 1 });
        await pace.pause();
      }
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new ImportRefusedError([{ line: err.line, message: err.message.replace(/^line \d+: /, '') }]);
    throw err;
  }
  run.progress?.({ phase: 'parsing', done: Math.max(0, records.length - 1), total: Math.max(0, records.length - 1) });
  return records;
}

/**
 * A date as spreadsheets and Snipe-IT write it: `2023-01-15`, `2023-01-15 00:00:00`,
 * `2023/01/15`, US `01/15/2023` (how Snipe-IT's PHP reads slashes) or `15.01.2023`.
 * Undefined when it is none of these or not a real day.
 */
export function parseDateCell(raw: string): string | undefined {
  const s = raw.trim();
  let y: string | undefined;
  let m: string | undefined;
  let d: string | undefined;
  const ymd =
    /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  const eu = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (ymd) [, y, m, d] = ymd;
  else if (us) [, m, d, y] = us;
  else if (eu) [, d, m, y] = eu;
  if (!y || !m || !d) return undefined;
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().startsWith(date) ? date : undefined;
}

/**
 * An amount as exports write it: `1299`, `1299.50`, `1,299.50`, `1.299,50`, `$1,299.50`,
 * `1 299,50 €`. The last separator followed by one or two digits is the decimal point.
 */
export function parseMoneyCell(raw: string): number | undefined {
  const s = raw.replace(/[\s\u00a0]/g, '').replace(/^[^\d.,-]+|[^\d.,]+$/g, '');
  if (!/^\d[\d.,]*$/.test(s)) return undefined;
  const lastSep = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
  let intPart = s;
  let frac = '';
  if (lastSep >= 0 && s.length - lastSep - 1 <= 2) {
    intPart = s.slice(0, lastSep);
    frac = s.slice(lastSep + 1);
  }
  // What is left of the integer part may only hold thousands separators, in groups of three.
  if (intPart !== '' && !/^\d{1,3}([.,]\d{3})*$/.test(intPart) && !/^\d+$/.test(intPart)) return undefined;
  const value = Number(`${intPart.replace(/[.,]/g, '') || '0'}.${frac || '0'}`);
  return Number.isFinite(value) ? value : undefined;
}
