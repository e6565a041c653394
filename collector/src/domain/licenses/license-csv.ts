import type { CsvDelimiterName } from '@stocktake/shared/api';
import type { WriteContext } from '../audit/ports.ts';
import { writeCsv } from '../csv/csv.ts';
import type { CsvEncoding, CsvInput } from '../csv/decode.ts';
import { createPace } from '../csv/pace.ts';
import type { LegacyCharsets } from '../csv/ports.ts';
import {
  type ColumnSpec,
  checkThenWrite,
  DELIMITER_NAMES,
  describeDetected,
  type FileReading,
  type ImportLineError,
  type ImportOptions,
  paced,
  parseImportFile,
  parseMoneyCell,
  type ReadRun,
  readDateCell,
  TWO_DIGIT_YEAR_RULE,
} from '../register/csv-import.ts';
import { formatCents, toCents } from '../register/values.ts';
import type { License, LicenseFieldName, LicenseInput } from './license-model.ts';
import type { LicenseChange } from './license-plan.ts';
import { licenseWrite, planLicenseWrite } from './license-writes.ts';
import type { LicenseBook } from './ports.ts';

/**
 * License CSV columns: Stocktake's own, and the columns of Snipe-IT's license importer that mean
 * the same (its sample file's "Item name", "manufacturer", "expiration date",
 * "order number", "seats", "notes"). Snipe-IT's other license columns are ignored: the seat
 * checkouts (full name, email, username, licensed to), the product key ("serial number": a
 * secret the register has no use for), the license's purchase date (when it was bought, not when
 * its term starts: Snipe-IT's own sample has licenses bought after they expired), its total
 * purchase cost (the register keeps a cost per seat), and the purchase order number next to the
 * order number.
 */
export const LICENSE_COLUMNS = [
  { key: 'product', aliases: ['product name', 'license', 'item name'] },
  { key: 'publisher', aliases: ['manufacturer', 'vendor'] },
  { key: 'name_pattern', aliases: ['name pattern'] },
  { key: 'publisher_pattern', aliases: ['publisher pattern'] },
  { key: 'version_range', aliases: ['version range', 'versions'] },
  { key: 'metric', aliases: ['license metric'] },
  { key: 'seats', aliases: ['quantity', 'qty'] },
  { key: 'term_start', aliases: ['term start', 'start date'] },
  {
    key: 'term_end',
    aliases: ['term end', 'end date', 'expiration date', 'renewal date', 'expires', 'termination date'],
  },
  { key: 'cost_per_seat', aliases: ['cost per seat', 'unit cost'] },
  { key: 'order_number', aliases: ['order number'] },
  { key: 'notes', aliases: [] },
] as const satisfies readonly ColumnSpec<string>[];

type LicenseColumnKey = (typeof LICENSE_COLUMNS)[number]['key'];

const FIELD: Record<LicenseColumnKey, LicenseFieldName> = {
  product: 'product',
  publisher: 'publisher',
  name_pattern: 'namePattern',
  publisher_pattern: 'publisherPattern',
  version_range: 'versionRange',
  metric: 'metric',
  seats: 'seats',
  term_start: 'termStart',
  term_end: 'termEnd',
  cost_per_seat: 'costPerSeat',
  order_number: 'orderNumber',
  notes: 'notes',
};

const METRICS: Record<string, 'per_device' | 'per_user'> = {
  per_device: 'per_device',
  'per device': 'per_device',
  device: 'per_device',
  per_user: 'per_user',
  'per user': 'per_user',
  user: 'per_user',
};

export interface LicenseImportOutcome {
  dryRun: boolean;
  rows: number;
  created: { line: number; product: string; orderNumber: string | null }[];
  updated: { line: number; product: string; orderNumber: string | null; changes: LicenseChange[] }[];
  unchanged: { line: number; product: string; orderNumber: string | null }[];
  ignoredColumns: string[];
  detected: { encoding: CsvEncoding; delimiter: CsvDelimiterName };
  warnings: string[];
}

/** A row of a license file, read: the entitlement it asks for and the key it is known by. */
export interface LicenseFileRow {
  line: number;
  input: LicenseInput;
  product: string;
  orderNumber: string | null;
}

/** A license file read, each row checked on its own (readLicenseFile). */
export type LicenseFileReading = FileReading<LicenseFileRow, LicenseColumnKey>;

/** Reads a license file: in this thread (readLicenseFile) or in a worker thread (the composition root's). */
export type LicenseFileReader = (input: CsvInput, run: ReadRun) => Promise<LicenseFileReading>;

/**
 * Reads a license file and checks each row on its own (cells, a product and order number twice):
 * everything an import does before it looks at the license book. Pure, so it can run in a worker thread.
 */
export async function readLicenseFile(
  input: CsvInput,
  run: ReadRun = {},
  charsets?: LegacyCharsets,
): Promise<LicenseFileReading> {
  const pace = run.pace ?? createPace();
  const parsed = await parseImportFile(input, LICENSE_COLUMNS, ['product', 'seats'], { ...run, pace }, charsets);
  const twoDigitYears = new Map<LicenseColumnKey, number[]>();
  const errors: ImportLineError[] = [];
  const column = (key: LicenseColumnKey) => parsed.headers.get(key) ?? key;
  const rows: LicenseFileRow[] = [];
  const seen = new Map<string, number>();
  await paced(parsed.rows, pace, (row) => {
    const before = errors.length;
    const input: Record<string, unknown> = {};
    for (const [key, value] of row.cells) {
      if (key === 'term_start' || key === 'term_end') {
        const read = readDateCell(value);
        if (read) {
          input[FIELD[key]] = read.date;
          if (read.twoDigitYear) twoDigitYears.set(key, [...(twoDigitYears.get(key) ?? []), row.line]);
        } else
          errors.push({
            line: row.line,
            column: column(key),
            message: `${JSON.stringify(value)} is not a date (YYYY-MM-DD, M/D/YYYY, M/D/YY or D.M.YYYY; ${TWO_DIGIT_YEAR_RULE})`,
          });
      } else if (key === 'seats') {
        if (/^\d{1,8}$/.test(value)) input.seats = Number(value);
        else
          errors.push({
            line: row.line,
            column: column(key),
            message: `${JSON.stringify(value)} is not a whole number of seats`,
          });
      } else if (key === 'cost_per_seat') {
        const amount = parseMoneyCell(value);
        if (amount !== undefined && toCents(amount) !== undefined) input.costPerSeat = amount;
        else errors.push({ line: row.line, column: column(key), message: `${JSON.stringify(value)} is not an amount` });
      } else if (key === 'metric') {
        const metric = METRICS[value.toLowerCase().replace(/\s+/g, ' ')];
        if (metric) input.metric = metric;
        else
          errors.push({
            line: row.line,
            column: column(key),
            message: `${JSON.stringify(value)} is not per_device or per_user`,
          });
      } else input[FIELD[key]] = value;
    }
    const product = row.cells.get('product');
    if (!product)
      errors.push({ line: row.line, column: column('product'), message: 'is empty (every row needs a product)' });
    if (errors.length > before || !product) return;
    const orderNumber = row.cells.get('order_number') ?? null;
    const key = `${product}\u0000${orderNumber ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        line: row.line,
        column: column('product'),
        message: `product ${product} with this order number is already on line ${first}`,
      });
      return;
    }
    seen.set(key, row.line);
    rows.push({ line: row.line, input: input as LicenseInput, product, orderNumber });
  });
  return {
    detected: parsed.detected,
    headers: parsed.headers,
    ignoredColumns: parsed.ignoredColumns,
    rowCount: parsed.rows.length,
    rows,
    errors,
    warnings: [
      ...(parsed.detected.encoding === 'windows-1252' || parsed.detected.encoding === 'macintosh'
        ? [`The file is not UTF-8; it was read as ${describeDetected(parsed.detected)} (detected).`]
        : []),
      ...[...twoDigitYears].map(
        ([key, lines]) => `${column(key)}: ${lines.length} date(s) with a two-digit year: ${TWO_DIGIT_YEAR_RULE}.`,
      ),
    ],
  };
}

/**
 * Imports license entitlements, all or nothing, keyed by product and order number: a known
 * pair is updated with the cells that hold a value, a new one created, an unchanged one left.
 */
export async function importLicensesCsv(
  book: LicenseBook,
  input: CsvInput,
  options: ImportOptions & WriteContext & { charsets?: LegacyCharsets; read?: LicenseFileReader },
): Promise<LicenseImportOutcome> {
  const run = { ...options.run, pace: options.run?.pace ?? createPace() };
  const { pace } = run;
  const read = options.read ?? ((file, r) => readLicenseFile(file, r, options.charsets));
  const parsed = await read(input, { ...run, pace });
  const errors: ImportLineError[] = [...parsed.errors];
  const column = (key: LicenseColumnKey) => parsed.headers.get(key) ?? key;
  const out: LicenseImportOutcome = {
    dryRun: options.dryRun,
    rows: parsed.rowCount,
    created: [],
    updated: [],
    unchanged: [],
    ignoredColumns: parsed.ignoredColumns,
    detected: { encoding: parsed.detected.encoding, delimiter: DELIMITER_NAMES[parsed.detected.delimiter] },
    warnings: parsed.warnings,
  };
  await checkThenWrite(
    parsed.rows,
    errors,
    {
      async plan(row) {
        const existing = await book.getByKey(row.product, row.orderNumber);
        const { plan, problems } = await planLicenseWrite(book, existing, row.input);
        return {
          ...(plan ? { plan } : {}),
          problems: problems.map((p) => {
            const key = (Object.entries(FIELD) as [LicenseColumnKey, string][]).find(([, f]) => f === p.field)?.[0];
            return { line: row.line, column: key ? column(key) : p.field, message: p.message };
          }),
        };
      },
      tell(row, plan) {
        const ref = { line: row.line, product: row.product, orderNumber: row.orderNumber };
        if (plan.kind === 'create') out.created.push(ref);
        else if (plan.kind === 'update') out.updated.push({ ...ref, changes: plan.changes });
        else out.unchanged.push(ref);
      },
      writeOf: (row, plan) =>
        licenseWrite(plan, {
          actor: options.actor,
          ...(options.now ? { now: options.now } : {}),
          context: `${options.context ?? 'csv import'} line ${row.line}`,
        }),
      write: (batch) => book.write(batch),
      describe: (row) => `The license of ${row.product}${row.orderNumber ? `, order ${row.orderNumber}` : ''}`,
      conflictField: 'product',
    },
    { dryRun: options.dryRun, run, pace },
  );
  return out;
}

/** A license's product position as the export shows it beside the license's own columns. */
export interface ExportedPosition {
  /** Seats of the product's entitlements in term, pooled. */
  seats: number;
  used: number;
  /** within, over or shelfware. */
  state: string;
}

/**
 * The license book as CSV: the columns the import reads, then the product's position (seats in
 * term pooled, used, within/over/shelfware), which the import passes over.
 */
export async function exportLicensesCsv(
  book: LicenseBook,
  positionOf: (l: License) => ExportedPosition | undefined = () => undefined,
): Promise<string> {
  const header = [...LICENSE_COLUMNS.map((c) => c.key), 'position_seats', 'used', 'position'];
  const rows = (await book.all()).map((l) => [
    l.product,
    l.publisher ?? '',
    l.namePattern,
    l.publisherPattern ?? '',
    l.versionRange ?? '',
    l.metric,
    String(l.seats),
    l.termStart ?? '',
    l.termEnd ?? '',
    l.costPerSeat === null ? '' : formatCents(toCents(l.costPerSeat) ?? null),
    l.orderNumber ?? '',
    l.notes ?? '',
    ...positionColumns(positionOf(l)),
  ]);
  return writeCsv(header, rows);
}

function positionColumns(p: ExportedPosition | undefined): string[] {
  return p ? [String(p.seats), String(p.used), p.state] : ['', '', ''];
}
