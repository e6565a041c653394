import type { Io } from './command.ts';

/** A table column: header, how to read the cell, and whether it may be cut to fit the terminal. */
export interface Column<T> {
  header: string;
  value(row: T): string | number | null | undefined;
  align?: 'right';
  /** Never truncated (ids a person copies). */
  keep?: boolean;
}

const GAP = '  ';
const ELLIPSIS = '…';
const MIN_WIDTH = 5;

/** Control characters (C0, DEL, C1) become spaces: data from agents must not drive the terminal. */
export function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return clean(String(value));
}

const width = (text: string) => Array.from(text).length;

export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  return `${chars.slice(0, max - 1).join('')}${ELLIPSIS}`;
}

function pad(text: string, size: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Narrows the widest cuttable columns, one character at a time, until the table fits or none can shrink. */
function shrink<T>(columns: readonly Column<T>[], widths: number[], maxWidth: number): boolean {
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const floor = columns.map((c) => (c.keep ? Number.POSITIVE_INFINITY : Math.min(MIN_WIDTH, width(c.header))));
  while (total() > maxWidth) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const w = widths[i] ?? 0;
      if (columns[i]?.keep || w <= (floor[i] ?? 0)) continue;
      if (widest < 0 || w > (widths[widest] ?? 0)) widest = i;
    }
    if (widest < 0) return false;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return true;
}

/**
 * Rows as aligned text. With `maxWidth` (the terminal's columns) the widest cuttable columns are
 * narrowed, cells ending in "…"; when even that does not fit, columns are left out from the
 * right (never the first, never a kept one) until it does.
 */
export function renderTable<T>(rows: readonly T[], allColumns: readonly Column<T>[], maxWidth?: number): string {
  let columns = [...allColumns];
  const natural = (cols: readonly Column<T>[]) =>
    cols.map((c) => Math.max(width(c.header), ...rows.map((r) => width(cell(c.value(r))))));
  let widths = natural(columns);
  if (maxWidth !== undefined) {
    while (!shrink(columns, widths, maxWidth)) {
      const drop = columns.findLastIndex((c, i) => i > 0 && !c.keep);
      if (drop < 0) break;
      columns = columns.filter((_, i) => i !== drop);
      widths = natural(columns);
    }
  }
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        const text = truncate(v, w);
        return i === values.length - 1 && columns[i]?.align !== 'right'
          ? text
          : pad(text, w, columns[i]?.align ?? 'left');
      })
      .join(GAP)
      .trimEnd();
  return `${[line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}

/** Label/value pairs, labels aligned; pairs with no value are left out. */
export function renderFields(pairs: readonly (readonly [string, string | number | null | undefined])[]): string {
  const present = pairs.filter(([, v]) => v !== null && v !== undefined && v !== '');
  const labelWidth = Math.max(0, ...present.map(([label]) => width(label)));
  return present.map(([label, value]) => `${pad(`${label}`, labelWidth, 'left')}  ${clean(String(value))}\n`).join('');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number | null | undefined): string | undefined {
  if (bytes === null || bytes === undefined) return undefined;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

/** "5 min ago", "3 d ago": how long since an ISO time, for scanning a list. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.floor(s / 60)} min`
        : s < 86_400
          ? `${Math.floor(s / 3600)} h`
          : `${Math.floor(s / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** An ISO time as `2026-03-01 14:05 UTC`: short, unambiguous. */
export function formatTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What commands print through: tables and fields on stdout, notes on stderr, JSON as is. */
export class Printer {
  constructor(private readonly io: Io) {}

  json(value: unknown): void {
    this.io.out(`${JSON.stringify(value, null, 2)}\n`);
  }

  table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    this.io.out(renderTable(rows, columns, this.io.stdoutColumns));
  }

  fields(pairs: readonly (readonly [string, string | number | null | undefined])[]): void {
    this.io.out(renderFields(pairs));
  }

  line(text = ''): void {
    this.io.out(`${clean(text)}\n`);
  }

  /** A heading between sections of a `show`. */
  heading(text: string): void {
    this.io.out(`\n${clean(text)}\n`);
  }

  /** Hints for people (more rows exist, nothing matched): stderr, so stdout stays data. */
  note(text: string): void {
    this.io.err(`${text}\n`);
  }
}
