import type { ImportPhase } from '@stocktake/shared/api';
import {
  type CsvDelimiter,
  type CsvRecord,
  CsvSyntaxError,
  csvRecords,
  detectDelimiter,
  unescapeFormula,
} from '../csv/csv.ts';
import { type CsvEncoding, CsvEncodingError, type CsvInput, decodeCsv } from '../csv/decode.ts';
import { createPace, DEFAULT_SLICE_MS, type Pace } from '../csv/pace.ts';
import type { LegacyCharsets } from '../csv/ports.ts';
import { ConflictError } from '../errors.ts';
import { isIsoDate } from './values.ts';

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

/**
 * Reading the file failed for a reason of the collector's, not of the file (the thread reading it
 * stopped, or ran out of the memory it is allowed): nothing was imported.
 */
export class ImportReadFailedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The file could not be read, and nothing was imported: ${reason}`, options);
    this.name = 'ImportReadFailedError';
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

/**
 * A file read and each of its rows checked on its own: the part of an import that needs nothing
 * but the file, so it can run in a worker thread (plain data: it crosses to the thread that plans
 * and writes). The file itself was refused (ImportRefusedError, ImportTooLargeError) when it could
 * not be read; problems of single rows are listed in `errors`, to be refused with the planning's.
 */
export interface FileReading<Row, K extends string> {
  detected: CsvDetected;
  /** The header text of each known key as the file spells it, for error messages. */
  headers: Map<K, string>;
  ignoredColumns: string[];
  /** Data rows in the file. */
  rowCount: number;
  /** The rows whose cells were all read, in file order. */
  rows: Row[];
  errors: ImportLineError[];
  /** What a person should check although the file was taken. */
  warnings: string[];
}

/** How far reading a file may go and whom it tells of its progress (a pace too, in the thread that reads). */
export type ReadRun = Pick<ImportRun, 'maxRows' | 'pace' | 'progress'>;

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
/**
 * Time one chunk of writes aims at, in ms; the next chunk's size follows from the last one's.
 * One slice of the pace: a snapshot's answer waits for the chunk under way at each turn of the
 * loop it needs, and chunks aimed at 20 ms ran 40 to 100 ms on a busy machine (normal snapshots'
 * p99 while an import wrote: 334 and 522 ms at 20 ms, 67 and 98 ms at 10 ms, with no slower an
 * import). Much shorter costs more than it gives: each chunk commits, rewriting the same index
 * pages to the write-ahead log, and at 5 ms a 100,000-row import on a loaded machine wrote half
 * its rows in five minutes.
 */
const CHUNK_TARGET_MS = DEFAULT_SLICE_MS;
const FIRST_CHUNK_ROWS = 50;
/**
 * Most rows in one chunk, and how fast chunks grow: a chunk's time varies with what it meets
 * (a checkpoint of the write-ahead log, a garbage collection, other processes on the machine),
 * so a quick chunk is no promise that ten times as many rows will be as quick.
 */
const MAX_CHUNK_ROWS = 5000;
const MAX_CHUNK_GROWTH = 2;

/** The size of the next chunk, from how long the last one took. */
export function nextChunkRows(lastRows: number, lastMs: number): number {
  const fitting = Math.round((lastRows * CHUNK_TARGET_MS) / Math.max(0.5, lastMs));
  return Math.max(1, Math.min(MAX_CHUNK_ROWS, lastRows * MAX_CHUNK_GROWTH, fitting));
}

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
      done += batch.length;
      size = nextChunkRows(batch.length, performance.now() - started);
      run.progress?.({ phase: 'writing', done, total });
      await pace.pause();
    }
  }
  run.progress?.({ phase: 'writing', done: total, total });
}

/** What planning one row of a file against the store gives: its plan, or why the file is refused at that row. */
export interface RowPlanning<P> {
  plan?: P;
  problems: ImportLineError[];
}

/** A row's plan as the two-step import needs it: what it does, and to which fields. */
interface RowPlan {
  kind: 'create' | 'update' | 'unchanged';
  changes: readonly unknown[];
}

/** How an importer plans, tells and writes its rows (checkThenWrite). */
export interface ImportSteps<Row extends { line: number }, P extends RowPlan, W> {
  plan(row: Row): Promise<RowPlanning<P>>;
  /** Puts the row in the outcome: created, updated or unchanged. */
  tell(row: Row, plan: P): void;
  writeOf(row: Row, plan: P): W | undefined;
  write(batch: W[]): Promise<unknown>;
  /** The row as a person finds it in the register ("Asset LAP-0042"), and the field a conflict names. */
  describe(row: Row): string;
  conflictField: string;
}

/**
 * Imports a file's rows in two steps. First every row is planned against the store, to check the
 * whole file before anything is written, and each plan is let go at once: only the outcome and the
 * rows that change are kept. Holding a plan per row (the record before and after) cost about
 * 1.5 KB a row, 150 MB of the collector's heap for 100,000 rows, whose collection held the event
 * loop all import long. Then the rows that change are planned again a chunk at a time, just
 * before they are written (writeAll); a row that no longer plans as the outcome says (someone
 * changed the record meanwhile) stops the import with a ConflictError naming it.
 */
export async function checkThenWrite<Row extends { line: number }, P extends RowPlan, W>(
  rows: readonly Row[],
  errors: ImportLineError[],
  steps: ImportSteps<Row, P, W>,
  options: { dryRun: boolean; run: ImportRun; pace: Pace },
): Promise<void> {
  const { run, pace } = options;
  const changing: { row: Row; changes?: string }[] = [];
  await paced(
    rows,
    pace,
    async (row) => {
      const { plan, problems } = await steps.plan(row);
      errors.push(...problems);
      if (!plan) return;
      steps.tell(row, plan);
      if (plan.kind === 'create') changing.push({ row });
      else if (plan.kind === 'update') changing.push({ row, changes: JSON.stringify(plan.changes) });
    },
    (done) => run.progress?.({ phase: 'planning', done, total: rows.length }),
  );
  if (errors.length > 0) throw new ImportRefusedError(errors.sort((a, b) => a.line - b.line));
  if (options.dryRun) return;
  const writesOf = async (batch: typeof changing): Promise<W[]> => {
    const writes: W[] = [];
    for (const { row, changes } of batch) {
      const { plan } = await steps.plan(row);
      const same =
        plan !== undefined &&
        (changes === undefined
          ? plan.kind === 'create'
          : plan.kind === 'update' && JSON.stringify(plan.changes) === changes);
      if (!plan || !same) {
        throw new ConflictError(
          `${steps.describe(row)} (line ${row.line}) changed while the file was being imported, and the import stopped there: what it wrote before stays, and importing the file again completes it.`,
          steps.conflictField,
        );
      }
      const write = steps.writeOf(row, plan);
      if (write !== undefined) writes.push(write);
    }
    return writes;
  };
  // A few rows land in one write, so a refusal from the store leaves nothing behind; more, in chunks.
  await writeAll(changing, async (batch) => steps.write(await writesOf(batch)), run, pace);
}

/** A column an importer knows: the header it exports under and the other headers it accepts. */
export interface ColumnSpec<K extends string> {
  key: K;
  /** The header an export writes, when it is not the key. */
  header?: string;
  aliases: readonly string[];
}

/** Headers compare case-insensitively, with `_` and runs of spaces equal to one space. */
export function normalizeHeader(raw: string): string {
  return raw.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ');
}

/** How the importer read a file: its encoding and field separator, as it detected them. */
export interface CsvDetected {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
}

/** The delimiter as a word, for messages and the API. */
export const DELIMITER_NAMES: Readonly<Record<CsvDelimiter, 'comma' | 'semicolon' | 'tab'>> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
};

/** What a person reads about a detected encoding. */
const ENCODING_NAMES: Readonly<Record<CsvEncoding, string>> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with a byte order mark',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1252': 'Windows-1252',
  macintosh: 'Mac Roman',
};

export function describeDetected(detected: CsvDetected): string {
  return `${DELIMITER_NAMES[detected.delimiter]}-separated, ${ENCODING_NAMES[detected.encoding]}`;
}

export interface ParsedFile<K extends string> {
  detected: CsvDetected;
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
  input: CsvInput,
  specs: readonly ColumnSpec<K>[],
  required: readonly K[],
  run: ImportRun = {},
  charsets?: LegacyCharsets,
): Promise<ParsedFile<K>> {
  let decoded: Awaited<ReturnType<typeof decodeCsv>>;
  try {
    decoded = await decodeCsv(input, charsets, run.pace ?? createPace());
  } catch (err) {
    if (err instanceof CsvEncodingError) throw new ImportRefusedError([{ line: 1, message: err.message }]);
    throw err;
  }
  const detected: CsvDetected = { encoding: decoded.encoding, delimiter: detectDelimiter(decoded.text) };
  const maxRows = run.maxRows ?? DEFAULT_IMPORT_ROW_LIMIT;
  const pace = run.pace ?? createPace();
  // Records are taken one at a time from the text and kept only as rows of known cells: the file
  // is held once as text, not a second time as every field of every record.
  const records = csvRecords(decoded.text, detected.delimiter);
  const header = nextRecord(records);
  if (!header) throw new ImportRefusedError([{ line: 1, message: 'the file is empty (a header line is required)' }]);
  const byAlias = new Map<string, K>();
  for (const spec of specs) {
    byAlias.set(normalizeHeader(spec.key), spec.key);
    if (spec.header) byAlias.set(normalizeHeader(spec.header), spec.key);
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
    if (!columns.has(key)) {
      const columnsRead = header.fields.map((f) => f.trim()).filter(Boolean);
      errors.push({
        line: header.line,
        message: `the header has no ${key} column (read as ${describeDetected(detected)}; its columns: ${columnsRead.slice(0, 12).join(', ')}${columnsRead.length > 12 ? ', ...' : ''})`,
      });
    }
  }
  if (errors.length > 0) throw new ImportRefusedError(errors);
  const width = header.fields.length;
  const rows: ParsedFile<K>['rows'] = [];
  let dataRows = 0;
  for (let record = nextRecord(records); record; record = nextRecord(records)) {
    dataRows++;
    if (dataRows > maxRows) throw new ImportTooLargeError(maxRows);
    if (pace.due()) {
      run.progress?.({ phase: 'parsing', done: dataRows - 1 });
      await pace.pause();
    }
    if (record.fields.length !== width) {
      errors.push({ line: record.line, message: `has ${record.fields.length} fields where the header has ${width}` });
      continue;
    }
    const cells = new Map<K, string>();
    for (const [key, index] of columns) {
      const value = unescapeFormula((record.fields[index] ?? '').trim());
      if (value !== '') cells.set(key, value);
    }
    rows.push({ line: record.line, cells });
  }
  run.progress?.({ phase: 'parsing', done: dataRows, total: dataRows });
  if (errors.length > 0) throw new ImportRefusedError(errors);
  return { detected, columns, headers, ignoredColumns, rows };
}

/** The next record of the file, a syntax error refusing the file at its line. */
function nextRecord(records: Generator<CsvRecord, void, undefined>): CsvRecord | undefined {
  try {
    const next = records.next();
    return next.done ? undefined : next.value;
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new ImportRefusedError([{ line: err.line, message: err.message.replace(/^line \d+: /, '') }]);
    throw err;
  }
}

/** How a two-digit year is read, as PHP (and so Snipe-IT's importer) reads it. */
export const TWO_DIGIT_YEAR_RULE = 'two-digit years 00–69 are read as 2000–2069 and 70–99 as 1970–1999';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const TIME = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const YEAR_FIRST = new RegExp(`^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})${TIME}$`);
const US = new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})${TIME}$`);
const DAY_FIRST = new RegExp(`^(\\d{1,2})[.-](\\d{1,2})[.-](\\d{4}|\\d{2})${TIME}$`);
const DAY_MONTH_NAME = new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\\.?,?[ -](\\d{4}|\\d{2})${TIME}$`);
const MONTH_NAME_DAY = new RegExp(`^([A-Za-z]{3,9})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4}|\\d{2})${TIME}$`);

/** 1–12 for a month's English name or its abbreviation ("Jan", "Sept"), else undefined. */
function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((full) => lower.length >= 3 && full.startsWith(lower));
  return index >= 0 ? index + 1 : undefined;
}

/** A date cell read: the day, and whether its year was written with two digits. */
export interface DateCell {
  date: string;
  twoDigitYear: boolean;
}

/**
 * A date as spreadsheets and Snipe-IT write it, in the forms Snipe-IT's importer (PHP's
 * strtotime) reads: `2023-01-15` and `2023/01/15` (a time after it is ignored), US `1/15/2023`
 * and `1/15/23` (slashes are month first), `15.01.2023`, `15-01-2023` and `15.01.23` (dots and
 * dashes are day first), `15 Jan 2023`, `15-Jan-23`, `Jan 15, 2023`. Two-digit years follow
 * TWO_DIGIT_YEAR_RULE. Undefined when it is none of these or not a real day.
 */
export function readDateCell(raw: string): DateCell | undefined {
  const s = raw.trim();
  // Each form, and how its matches give [year, month, day].
  const forms: [RegExp, (m: RegExpExecArray) => [string?, (string | number)?, string?]][] = [
    [YEAR_FIRST, (m) => [m[1], m[2], m[3]]],
    [US, (m) => [m[3], m[1], m[2]]],
    [DAY_FIRST, (m) => [m[3], m[2], m[1]]],
    [DAY_MONTH_NAME, (m) => [m[3], monthNumber(m[2] ?? ''), m[1]]],
    [MONTH_NAME_DAY, (m) => [m[3], monthNumber(m[1] ?? ''), m[2]]],
  ];
  let parts: [string?, (string | number)?, string?] | undefined;
  for (const [pattern, pick] of forms) {
    const m = pattern.exec(s);
    if (m) {
      parts = pick(m);
      break;
    }
  }
  if (!parts) return undefined;
  const [rawYear, month, day] = parts;
  if (!rawYear || month === undefined || !day) return undefined;
  const twoDigitYear = rawYear.length === 2;
  const year = twoDigitYear ? (Number(rawYear) < 70 ? 2000 : 1900) + Number(rawYear) : Number(rawYear);
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(date) ? { date, twoDigitYear } : undefined;
}

/** The day of a date cell (see readDateCell), or undefined. */
export function parseDateCell(raw: string): string | undefined {
  return readDateCell(raw)?.date;
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
