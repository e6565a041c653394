/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF (LF and lone CR accepted too),
 * fields optionally in double quotes, where a quote is written twice and commas and line
 * breaks are literal. A UTF-8 byte order mark before the first field is dropped. Spreadsheets
 * set to a locale whose decimal point is a comma write semicolons instead, and "Unicode text"
 * exports use tabs: the separator is a parameter, and `detectDelimiter` tells which one a file uses.
 */

/** The field separators a file may use. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export interface CsvRecord {
  /** Line of the file the record starts on, counting the header as line 1, as an editor shows it. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Every record of the text, including the header. Blank lines between records are skipped. */
export function parseCsv(text: string, delimiter: CsvDelimiter = ','): CsvRecord[] {
  return Array.from(csvRecords(text, delimiter));
}

/**
 * The separator of a file: the one of comma, semicolon and tab that occurs most often outside
 * quotes on its first line (the header, which names every column). A header with none of them
 * is a one-column file, read with commas; a tie goes to the comma, then the semicolon.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\r' || c === '\n')) break;
    else if (!quoted && counts.has(c as CsvDelimiter))
      counts.set(c as CsvDelimiter, (counts.get(c as CsvDelimiter) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of CSV_DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * The records of the text one at a time, including the header (blank lines skipped): a caller
 * can stop early (a row limit) or hand the event loop back between records.
 */
export function* csvRecords(text: string, delimiter: CsvDelimiter = ','): Generator<CsvRecord, void, undefined> {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let atRecordEnd = false;
    while (!atRecordEnd) {
      if (src[i] === '"') {
        // Quoted field: runs to the closing quote, which must be followed by a separator.
        const openLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(openLine, 'a quoted field is never closed');
          const c = src[i];
          if (c === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\r' || c === '\n') {
            // A CRLF inside quotes is one line break, as in the file.
            if (c === '\r' && src[i + 1] === '\n') {
              field += '\r\n';
              i += 2;
            } else {
              field += c;
              i++;
            }
            line++;
            continue;
          }
          field += c;
          i++;
        }
        const next = src[i];
        if (i < n && next !== delimiter && next !== '\r' && next !== '\n') {
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(next)} after a closing quote`);
        }
      } else {
        const start = i;
        while (i < n && src[i] !== delimiter && src[i] !== '\r' && src[i] !== '\n') {
          if (src[i] === '"') throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the field)');
          i++;
        }
        field = src.slice(start, i);
      }
      fields.push(field);
      field = '';
      if (i >= n) {
        atRecordEnd = true;
      } else if (src[i] === delimiter) {
        i++;
        // A trailing separator at the very end still ends with an empty field.
        if (i >= n) {
          fields.push('');
          atRecordEnd = true;
        }
      } else {
        if (src[i] === '\r' && src[i + 1] === '\n') i += 2;
        else i++;
        line++;
        atRecordEnd = true;
      }
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) yield { line: startLine, fields };
  }
}

// Cells a spreadsheet would run as a formula. Exports prefix them with an apostrophe (OWASP's
// advice against CSV injection) and imports take that apostrophe off again. A cell that starts
// with an apostrophe already is prefixed too, so the import can tell the two apart: removing
// the prefix undoes exactly what the export added, and a round trip gives back what was stored.
const ESCAPED_START = /^[=+\-@\t\r']/;

export function escapeFormula(value: string): string {
  return ESCAPED_START.test(value) ? `'${value}` : value;
}

export function unescapeFormula(value: string): string {
  return value.startsWith("'") && ESCAPED_START.test(value.slice(1)) ? value.slice(1) : value;
}

function quote(value: string): string {
  const safe = escapeFormula(value);
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text with CRLF line ends; every row must have as many cells as the header. */
export function writeCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return writeCsvRows([header, ...rows]);
}

/** Rows as CSV lines, each ended by CRLF: the pieces of a file written a page at a time. */
export function writeCsvRows(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(quote).join(',')}\r\n`;
  return out;
}
