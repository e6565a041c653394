import {
  ASSET_STATUSES,
  type AssetStatus,
  type CsvDelimiterName,
  SANITIZATION_METHODS,
  type SanitizationMethod,
} from '@stocktake/shared/api';
import type { WriteContext } from '../audit/ports.ts';
import { writeCsv } from '../csv/csv.ts';
import type { CsvEncoding, CsvInput } from '../csv/decode.ts';
import { createPace } from '../csv/pace.ts';
import type { LegacyCharsets } from '../csv/ports.ts';
import { ValidationError } from '../errors.ts';
import type { Asset, AssetFieldName, FieldChange } from './asset-model.ts';
import { type AssetPlan, planAsset } from './asset-plan.ts';
import type { AssetInput, DisposalInput } from './asset-validate.ts';
import { assetWrite, planAssetWrite } from './asset-writes.ts';
import {
  type CsvDetected,
  checkThenWrite,
  DELIMITER_NAMES,
  describeDetected,
  type FileReading,
  type ImportLineError,
  type ImportOptions,
  type ParsedFile,
  paced,
  parseDateCell,
  parseImportFile,
  parseMoneyCell,
  type ReadRun,
  readDateCell,
  TWO_DIGIT_YEAR_RULE,
} from './csv-import.ts';
import type { AssetRegister, DisposalRecord } from './ports.ts';
import {
  ASSET_COLUMNS,
  type AssetColumnKey,
  COLUMN_FIELD,
  normalizeLabel,
  parseStatusMap,
  STATUS_LABELS,
  splitStatusMeta,
  statusFromLabel,
  statusFromMeta,
  statusMapping,
} from './snipeit-columns.ts';
import { formatCents, toCents } from './values.ts';

export interface ImportOutcome {
  dryRun: boolean;
  rows: number;
  created: { line: number; assetTag: string }[];
  updated: { line: number; assetTag: string; changes: FieldChange[] }[];
  unchanged: { line: number; assetTag: string }[];
  ignoredColumns: string[];
  detected: { encoding: CsvEncoding; delimiter: CsvDelimiterName };
  warnings: string[];
}

/** What an asset import reads beyond the file: status labels of the system it comes from. */
export interface AssetImportOptions extends ImportOptions {
  /** `Label=status,...` as a person writes it (parseStatusMap); over `savedStatusMap`. */
  statusMap?: string;
  /** The labels the policy keeps (label → status), used unless `statusMap` says otherwise. */
  savedStatusMap?: Readonly<Record<string, AssetStatus>>;
  /** Reads files that are not UTF-8. */
  charsets?: LegacyCharsets;
  /** Reads the file (default: readAssetFile, in this thread). */
  read?: AssetFileReader;
}

/** An asset file read, each row checked on its own (readAssetFile). */
export type AssetFileReading = FileReading<AssetFileRow, AssetColumnKey>;

/** What reading an asset file needs besides the file: how to read status labels (label → status). */
export interface AssetReadOptions {
  statusMap: ReadonlyMap<string, AssetStatus>;
}

/** Reads an asset file: in this thread (readAssetFile) or in a worker thread (the composition root's). */
export type AssetFileReader = (input: CsvInput, options: AssetReadOptions, run: ReadRun) => Promise<AssetFileReading>;

/** A row of an asset file, read: the register request it makes. */
export interface AssetFileRow {
  line: number;
  tag: string;
  input: AssetInput;
  disposal?: DisposalInput;
}

/** What reading the rows gathers beside the rows: problems and what to warn about. */
interface RowReading {
  headers: Map<AssetColumnKey, string>;
  errors: ImportLineError[];
  statusMap: ReadonlyMap<string, AssetStatus>;
  /** Status labels nobody said how to read, with the lines they are on. */
  unknownLabels: Map<string, { label: string; lines: number[] }>;
  /** Lines whose date in each column had a two-digit year. */
  twoDigitYears: Map<AssetColumnKey, number[]>;
}

const DATE_COLUMNS = new Set<AssetColumnKey>(['purchase_date', 'asset_eol_date', 'warranty_end']);
/** Cells read after the others, as they decide together: the status and where the asset is checked out. */
const CHECKOUT_COLUMNS = new Set<AssetColumnKey>([
  'status',
  'checkout_class',
  'checkout_location',
  'checked_out',
  'first_name',
  'last_name',
]);
const PERSON_COLUMNS: readonly AssetColumnKey[] = ['full_name', 'first_name', 'last_name', 'username', 'email'];
const CHECKOUT_TYPES = ['user', 'location', 'asset'] as const;
/** Statuses a checkout overrides: an asset in someone's hands is in use, but not when its label says it is out of service. */
const IN_SERVICE_BEFORE_USE = new Set<AssetStatus>(['planned', 'ordered', 'in_stock', 'deployed']);
const DATE_FORMATS = 'YYYY-MM-DD, M/D/YYYY, M/D/YY, D.M.YYYY or 15 Jan 2023';

/**
 * The status of a row. The label is read through the import's mapping, then the built-in
 * labels; a Custom Asset Report's status type ("(deployed)") decides for a label nobody mapped.
 * A row checked out to a person, a location or an asset is deployed, unless its label puts it out
 * of service (in repair, retired, lost...). Undefined when the row says nothing of its status.
 */
function rowStatus(
  row: ParsedFile<AssetColumnKey>['rows'][number],
  checkedOut: boolean,
  reading: RowReading,
): AssetStatus | undefined {
  const raw = row.cells.get('status');
  let status: AssetStatus | undefined;
  let meta: string | undefined;
  if (raw !== undefined) {
    const split = splitStatusMeta(raw);
    meta = split.meta;
    status =
      statusFromLabel(raw, reading.statusMap) ??
      statusFromLabel(split.label, reading.statusMap) ??
      statusFromMeta(meta);
    if (!status) {
      const key = normalizeLabel(split.label);
      const seen = reading.unknownLabels.get(key) ?? { label: split.label, lines: [] };
      seen.lines.push(row.line);
      reading.unknownLabels.set(key, seen);
      return undefined;
    }
  }
  if ((checkedOut || meta === 'deployed') && (status === undefined || IN_SERVICE_BEFORE_USE.has(status))) {
    return 'deployed';
  }
  return status;
}

/** One CSV row as a register request; cell problems go to `reading.errors` with the file's header names. */
function rowInput(row: ParsedFile<AssetColumnKey>['rows'][number], reading: RowReading): AssetFileRow | undefined {
  const { headers, errors } = reading;
  const input: Record<string, unknown> = {};
  const problem = (key: AssetColumnKey, message: string) =>
    errors.push({ line: row.line, column: headers.get(key) ?? key, message });
  const before = errors.length;
  for (const [key, value] of row.cells) {
    const field = COLUMN_FIELD[key];
    if (CHECKOUT_COLUMNS.has(key)) continue;
    // The warranty end a file carries next to a purchase date and months is derived from them
    // (Snipe-IT's "Warranty Expires"); reading it back could only disagree on month-end rounding.
    if (key === 'warranty_end' && row.cells.has('purchase_date') && row.cells.has('warranty_months')) continue;
    if (DATE_COLUMNS.has(key)) {
      const read = readDateCell(value);
      if (read && field) {
        input[field] = read.date;
        if (read.twoDigitYear) {
          const lines = reading.twoDigitYears.get(key) ?? [];
          lines.push(row.line);
          reading.twoDigitYears.set(key, lines);
        }
      } else problem(key, `${JSON.stringify(value)} is not a date (${DATE_FORMATS}; ${TWO_DIGIT_YEAR_RULE})`);
    } else if (key === 'purchase_cost') {
      const amount = parseMoneyCell(value);
      if (amount !== undefined && toCents(amount) !== undefined) input.purchaseCost = amount;
      else problem(key, `${JSON.stringify(value)} is not an amount`);
    } else if (key === 'warranty_months') {
      const m = /^(\d{1,4})(\s*months?)?$/i.exec(value);
      if (m) input.warrantyMonths = Number(m[1]);
      else problem(key, `${JSON.stringify(value)} is not a number of months`);
    } else if (key === 'mac_addresses') {
      input.macs = value.split(/[\s,;]+/).filter(Boolean);
    } else if (field) {
      input[field] = value;
    }
  }
  const type = row.cells.get('checkout_class')?.toLowerCase();
  if (type !== undefined && !(CHECKOUT_TYPES as readonly string[]).includes(type)) {
    problem(
      'checkout_class',
      `${JSON.stringify(row.cells.get('checkout_class'))} is not a checkout type (User, Location or Asset)`,
    );
  }
  // The Custom Asset Report's "Checked Out" names a person, a location or an asset, as its type says.
  const checkedOutTo = row.cells.get('checked_out');
  if (checkedOutTo !== undefined && (type === undefined || type === 'user') && !row.cells.has('full_name')) {
    input.assigneeName = checkedOutTo;
  }
  if (
    !row.cells.has('full_name') &&
    !input.assigneeName &&
    (row.cells.has('first_name') || row.cells.has('last_name'))
  ) {
    input.assigneeName = [row.cells.get('first_name'), row.cells.get('last_name')].filter(Boolean).join(' ');
  }
  const checkoutLocation = row.cells.get('checkout_location') ?? (type === 'location' ? checkedOutTo : undefined);
  // Checked out to a location, the asset is there (Snipe-IT moves it on checkout).
  if (checkoutLocation !== undefined && (type === undefined || type === 'location')) input.location = checkoutLocation;
  // With a Checkout Type column, the type says whether a row is checked out (Stocktake's export
  // writes it, so an asset in stock with a person named on it stays in stock); without one, as in
  // Snipe-IT's importer, the person or location named is the checkout.
  const typed = reading.headers.has('checkout_class');
  const names = checkedOutTo !== undefined || PERSON_COLUMNS.some((k) => row.cells.has(k));
  const toPerson = typed ? type === 'user' && names : names;
  const toLocation = checkoutLocation !== undefined && (typed ? type === 'location' : true);
  const checkedOut = toPerson || toLocation || (type === 'asset' && checkedOutTo !== undefined);
  const status = rowStatus(row, checkedOut, reading);
  if (status) input.status = status;
  let disposal: DisposalInput | undefined;
  const dispose = ['disposal_method', 'disposal_certificate', 'disposal_vendor', 'disposal_date'] as const;
  if (dispose.some((k) => row.cells.has(k))) {
    const method = row.cells.get('disposal_method')?.toLowerCase() ?? '';
    if (!(SANITIZATION_METHODS as readonly string[]).includes(method)) {
      problem('disposal_method', `must be one of ${SANITIZATION_METHODS.join(', ')} (NIST SP 800-88)`);
    }
    const rawDate = row.cells.get('disposal_date') ?? '';
    const date = parseDateCell(rawDate);
    if (!date) problem('disposal_date', `${JSON.stringify(rawDate)} is not a date (${DATE_FORMATS})`);
    disposal = {
      method: method as SanitizationMethod,
      certificateRef: row.cells.get('disposal_certificate') ?? '',
      vendor: row.cells.get('disposal_vendor') ?? '',
      date: date ?? '',
    };
  }
  const tag = row.cells.get('asset_tag');
  if (!tag) {
    problem('asset_tag', 'is empty (every row needs an asset tag)');
    return undefined;
  }
  if (errors.length > before) return undefined;
  return { line: row.line, tag, input: input as AssetInput, ...(disposal ? { disposal } : {}) };
}

/** "2, 5, 9 and 3 more": the first lines of a list, for messages. */
function someLines(lines: readonly number[], shown = 8): string {
  const head = lines.slice(0, shown).join(', ');
  return lines.length > shown ? `${head} and ${lines.length - shown} more` : head;
}

/** A label inside single quotes on a shell's command line. */
function shellQuoted(label: string): string {
  return label.replace(/'/g, "'\\''");
}

/** One refusal per status label nobody mapped, at its first line, telling how to map it. */
function unknownLabelErrors(reading: RowReading): ImportLineError[] {
  return [...reading.unknownLabels.values()].map(({ label, lines }) => ({
    line: lines[0] ?? 1,
    column: reading.headers.get('status') ?? 'status',
    message: `${JSON.stringify(label)} is not a status label Stocktake knows (${lines.length} row${lines.length === 1 ? '' : 's'}: line${lines.length === 1 ? '' : 's'} ${someLines(lines)}). Map it to one of ${ASSET_STATUSES.join(', ')}: stocktake assets import --status-map '${shellQuoted(label)}=in_repair' (the API's statusMap; --save-status-map, or the policy's importStatusMap, keeps it for later imports)`,
  }));
}

/** What a person should check although the file was taken. */
function importWarnings(reading: RowReading, detected: CsvDetected): string[] {
  const warnings: string[] = [];
  if (detected.encoding === 'windows-1252' || detected.encoding === 'macintosh') {
    warnings.push(
      `The file is not UTF-8; it was read as ${describeDetected(detected)} (detected). Check that names with accents read right, or save the file as CSV UTF-8.`,
    );
  }
  for (const [key, lines] of reading.twoDigitYears) {
    warnings.push(
      `${reading.headers.get(key) ?? key}: ${lines.length} date${lines.length === 1 ? '' : 's'} with a two-digit year (line${lines.length === 1 ? '' : 's'} ${someLines(lines)}): ${TWO_DIGIT_YEAR_RULE}.`,
    );
  }
  return warnings;
}

/** Register field → the file's header for it, so plan problems point at the right column. */
function columnOfField(headers: ReadonlyMap<AssetColumnKey, string>, field: string): string {
  const base = field.split('/')[0] as AssetFieldName | 'disposal';
  if (base === 'disposal') {
    const sub = field.split('/')[1];
    const key = sub === 'certificateRef' ? 'disposal_certificate' : sub ? `disposal_${sub}` : 'disposal_method';
    return headers.get(key as AssetColumnKey) ?? key;
  }
  if (base === 'assigneeName' && !headers.has('full_name')) return headers.get('first_name') ?? 'full_name';
  for (const [key, f] of Object.entries(COLUMN_FIELD) as [AssetColumnKey, AssetFieldName][]) {
    if (f === base) return headers.get(key) ?? key;
  }
  return field;
}

/**
 * Reads an asset file and checks each row on its own (cells, duplicate tags, status labels):
 * everything an import does before it looks at the register. Pure, so it can run in a worker
 * thread; a file that cannot be read at all is refused (ImportRefusedError, ImportTooLargeError).
 */
export async function readAssetFile(
  input: CsvInput,
  options: AssetReadOptions,
  run: ReadRun = {},
  charsets?: LegacyCharsets,
): Promise<AssetFileReading> {
  const pace = run.pace ?? createPace();
  const parsed = await parseImportFile(input, ASSET_COLUMNS, ['asset_tag'], { ...run, pace }, charsets);
  const errors: ImportLineError[] = [];
  const reading: RowReading = {
    headers: parsed.headers,
    errors,
    statusMap: options.statusMap,
    unknownLabels: new Map(),
    twoDigitYears: new Map(),
  };
  const rows: AssetFileRow[] = [];
  const firstLineOfTag = new Map<string, number>();
  await paced(parsed.rows, pace, (row) => {
    const r = rowInput(row, reading);
    if (!r) return;
    const seen = firstLineOfTag.get(r.tag);
    if (seen !== undefined) {
      errors.push({
        line: r.line,
        column: parsed.headers.get('asset_tag') ?? 'asset_tag',
        message: `asset tag ${r.tag} is already on line ${seen}`,
      });
      return;
    }
    firstLineOfTag.set(r.tag, r.line);
    rows.push(r);
  });
  errors.push(...unknownLabelErrors(reading));
  return {
    detected: parsed.detected,
    headers: parsed.headers,
    ignoredColumns: parsed.ignoredColumns,
    rowCount: parsed.rows.length,
    rows,
    errors,
    warnings: importWarnings(reading, parsed.detected),
  };
}

/**
 * Imports a Snipe-IT-format asset CSV, all or nothing. Rows are matched to the register by
 * asset tag: a new tag is created; a known one is updated with the cells that hold a value (an
 * empty cell leaves the stored value as it is, as Snipe-IT's importer does); a row that
 * changes nothing writes nothing. Any problem anywhere refuses the whole file, with the line
 * (header = line 1) and column of each. A dry run reports the same outcome and writes nothing.
 * Every step hands the event loop back between slices (ImportRun), and a file changing many rows
 * is checked whole, then written in chunks (checkThenWrite).
 */
export async function importAssetsCsv(
  assets: AssetRegister,
  input: CsvInput,
  options: AssetImportOptions & WriteContext,
): Promise<ImportOutcome> {
  const run = { ...options.run, pace: options.run?.pace ?? createPace() };
  const { pace } = run;
  const given = parseStatusMap(options.statusMap ?? '');
  if (given.problems.length > 0) {
    throw new ValidationError(
      `The status map is not LABEL=STATUS,...: ${given.problems.join('; ')}`,
      given.problems.map((message) => ({ field: 'statusMap', message })),
    );
  }
  const statusMap = new Map([...statusMapping(options.savedStatusMap ?? {}), ...given.mapping]);
  const read = options.read ?? ((file, o, r) => readAssetFile(file, o, r, options.charsets));
  const parsed = await read(input, { statusMap }, { ...run, pace });
  const errors: ImportLineError[] = [...parsed.errors];
  const outcome: ImportOutcome = {
    dryRun: options.dryRun,
    rows: parsed.rowCount,
    created: [],
    updated: [],
    unchanged: [],
    ignoredColumns: parsed.ignoredColumns,
    detected: { encoding: parsed.detected.encoding, delimiter: DELIMITER_NAMES[parsed.detected.delimiter] },
    warnings: parsed.warnings,
  };
  const context = (row: AssetFileRow) => ({
    actor: options.actor,
    ...(options.now ? { now: options.now } : {}),
    context: `${options.context ?? 'csv import'} line ${row.line}`,
  });
  await checkThenWrite(
    parsed.rows,
    errors,
    {
      plan: (row) => planImportRow(assets, row, parsed.headers),
      tell(row, plan) {
        const ref = { line: row.line, assetTag: row.tag };
        if (plan.kind === 'create') outcome.created.push(ref);
        else if (plan.kind === 'update') outcome.updated.push({ ...ref, changes: plan.changes });
        else outcome.unchanged.push(ref);
      },
      writeOf: (row, plan) => assetWrite(plan, context(row)),
      write: (batch) => assets.apply(batch),
      describe: (row) => `Asset ${row.tag}`,
      conflictField: 'assetTag',
    },
    { dryRun: options.dryRun, run, pace },
  );
  return outcome;
}

/**
 * Plans one row of a file against the register: the plan, or the problems that refuse the file
 * at this row. An export of a disposed asset carries its disposal record; reading it back is not
 * a second disposal, and a record that differs would rewrite history, which imports do not do.
 */
async function planImportRow(
  assets: AssetRegister,
  row: AssetFileRow,
  headers: ReadonlyMap<AssetColumnKey, string>,
): Promise<{ plan?: AssetPlan; problems: ImportLineError[] }> {
  const existing = await assets.getByTag(row.tag);
  let disposal = row.disposal;
  if (disposal && existing?.status === 'disposed') {
    const stored = await assets.latestDisposal(existing.id);
    const same =
      stored?.method === disposal.method &&
      stored.certificateRef === disposal.certificateRef.trim() &&
      stored.vendor === disposal.vendor.trim() &&
      stored.date === disposal.date;
    if (!same) {
      return {
        problems: [
          {
            line: row.line,
            column: headers.get('disposal_method') ?? 'disposal_method',
            message:
              'differs from the disposal record of this disposed asset; disposal records are not changed by import',
          },
        ],
      };
    }
    disposal = undefined;
  }
  const statusOptions = disposal ? { disposal } : {};
  // The row's tag was just looked up: a plan keeping it needs no second look for its holder.
  const here = planAsset(existing, row.input, statusOptions);
  const { plan, problems } =
    here.plan && here.plan.next.assetTag !== row.tag
      ? await planAssetWrite(assets, existing, row.input, statusOptions)
      : here;
  return {
    ...(plan ? { plan } : {}),
    problems: problems.map((p) => ({ line: row.line, column: columnOfField(headers, p.field), message: p.message })),
  };
}

/** Columns only read: a name split in two, and the ways a report says where an asset is checked out. */
const READ_ONLY_COLUMNS = new Set<AssetColumnKey>(['first_name', 'last_name', 'checkout_location', 'checked_out']);

export const EXPORT_COLUMNS: readonly AssetColumnKey[] = ASSET_COLUMNS.map((c) => c.key).filter(
  (k) => !READ_ONLY_COLUMNS.has(k),
);

/** The header of each exported column: the names Snipe-IT's importer maps by itself (ASSET_COLUMNS). */
export const EXPORT_HEADER: readonly string[] = EXPORT_COLUMNS.map(
  (key) => ASSET_COLUMNS.find((c) => c.key === key)?.header ?? key,
);

/** The register as Snipe-IT-format CSV (plus Stocktake's columns), in asset tag order. */
export async function exportAssetsCsv(assets: AssetRegister): Promise<string> {
  const rows: string[][] = [];
  for await (const asset of assets.all()) {
    const disposal = asset.status === 'disposed' ? await assets.latestDisposal(asset.id) : undefined;
    rows.push(exportRow(asset, disposal));
  }
  return writeCsv(EXPORT_HEADER, rows);
}

function exportRow(a: Asset, disposal: DisposalRecord | undefined): string[] {
  const cell: Record<AssetColumnKey, string> = {
    asset_tag: a.assetTag,
    item_name: a.name ?? '',
    serial: a.serial ?? '',
    asset_model: a.model ?? '',
    model_number: a.modelNumber ?? '',
    manufacturer: a.manufacturer ?? '',
    category: a.category ?? '',
    status: STATUS_LABELS[a.status],
    location: a.location ?? '',
    purchase_date: a.purchaseDate ?? '',
    purchase_cost: a.purchaseCost === null ? '' : formatCents(toCents(a.purchaseCost) ?? null),
    warranty_months: a.warrantyMonths === null ? '' : String(a.warrantyMonths),
    supplier: a.supplier ?? '',
    order_number: a.orderNumber ?? '',
    notes: a.notes ?? '',
    full_name: a.assigneeName ?? '',
    first_name: '',
    last_name: '',
    // Only a deployed asset with a person on it is checked out to them, here as in Snipe-IT.
    checkout_class: a.status === 'deployed' && (a.assigneeName || a.assigneeUsername || a.assigneeEmail) ? 'User' : '',
    checkout_location: '',
    checked_out: '',
    email: a.assigneeEmail ?? '',
    username: a.assigneeUsername ?? '',
    employee_num: a.assigneeEmployeeNumber ?? '',
    department: a.assigneeDepartment ?? '',
    asset_eol_date: a.expectedEndOfLife ?? '',
    warranty_end: a.warrantyEnd ?? '',
    cost_center: a.costCenter ?? '',
    hostname: a.hostname ?? '',
    hardware_uuid: a.hardwareUuid ?? '',
    mac_addresses: a.macs.join(' '),
    disposal_method: disposal?.method ?? '',
    disposal_certificate: disposal?.certificateRef ?? '',
    disposal_vendor: disposal?.vendor ?? '',
    disposal_date: disposal?.date ?? '',
  };
  return EXPORT_COLUMNS.map((k) => cell[k]);
}
