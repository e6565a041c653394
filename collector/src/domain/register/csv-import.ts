import { type CsvRecord, CsvSyntaxError, parseCsv, unescapeFormula } from '../csv/csv.ts';

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
export function parseImportFile<K extends string>(
  text: string,
  specs: readonly ColumnSpec<K>[],
  required: readonly K[],
): ParsedFile<K> {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new ImportRefusedError([{ line: err.line, message: err.message.replace(/^line \d+: /, '') }]);
    throw err;
  }
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
  for (const record of records.slice(1)) {
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
  if (errors.length > 0) throw new ImportRefusedError(errors);
  return { columns, headers, ignoredColumns, rows };
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
