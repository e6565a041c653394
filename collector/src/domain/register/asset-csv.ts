import { SANITIZATION_METHODS, type SanitizationMethod } from '@stocktake/shared/api';
import type { WriteContext } from '../audit/ports.ts';
import { writeCsv } from '../csv/csv.ts';
import { createPace } from '../csv/pace.ts';
import type { Asset, AssetFieldName, FieldChange } from './asset-model.ts';
import type { AssetPlan } from './asset-plan.ts';
import type { AssetInput, DisposalInput } from './asset-validate.ts';
import { assetWrite, planAssetWrite } from './asset-writes.ts';
import {
  type ImportLineError,
  type ImportOptions,
  ImportRefusedError,
  type ParsedFile,
  paced,
  parseDateCell,
  parseImportFile,
  parseMoneyCell,
  writeAll,
} from './csv-import.ts';
import type { AssetRegister, AssetWrite, DisposalRecord } from './ports.ts';
import {
  ASSET_COLUMNS,
  type AssetColumnKey,
  COLUMN_FIELD,
  KNOWN_STATUS_LABELS,
  STATUS_LABELS,
  statusFromLabel,
} from './snipeit-columns.ts';
import { formatCents, toCents } from './values.ts';

export interface ImportOutcome {
  dryRun: boolean;
  rows: number;
  created: { line: number; assetTag: string }[];
  updated: { line: number; assetTag: string; changes: FieldChange[] }[];
  unchanged: { line: number; assetTag: string }[];
  ignoredColumns: string[];
}

interface RowInput {
  line: number;
  tag: string;
  input: AssetInput;
  disposal?: DisposalInput;
}

const DATE_COLUMNS = new Set<AssetColumnKey>(['purchase_date', 'asset_eol_date', 'warranty_end']);

/** One CSV row as a register request; cell problems go to `errors` with the file's header names. */
function rowInput(
  row: ParsedFile<AssetColumnKey>['rows'][number],
  headers: Map<AssetColumnKey, string>,
  errors: ImportLineError[],
): RowInput | undefined {
  const input: Record<string, unknown> = {};
  const problem = (key: AssetColumnKey, message: string) =>
    errors.push({ line: row.line, column: headers.get(key) ?? key, message });
  const before = errors.length;
  for (const [key, value] of row.cells) {
    const field = COLUMN_FIELD[key];
    // The warranty end a file carries next to a purchase date and months is derived from them
    // (Snipe-IT's "Warranty Expires"); reading it back could only disagree on month-end rounding.
    if (key === 'warranty_end' && row.cells.has('purchase_date') && row.cells.has('warranty_months')) continue;
    if (DATE_COLUMNS.has(key)) {
      const iso = parseDateCell(value);
      if (iso && field) input[field] = iso;
      else problem(key, `${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
    } else if (key === 'purchase_cost') {
      const amount = parseMoneyCell(value);
      if (amount !== undefined && toCents(amount) !== undefined) input.purchaseCost = amount;
      else problem(key, `${JSON.stringify(value)} is not an amount`);
    } else if (key === 'warranty_months') {
      const m = /^(\d{1,4})(\s*months?)?$/i.exec(value);
      if (m) input.warrantyMonths = Number(m[1]);
      else problem(key, `${JSON.stringify(value)} is not a number of months`);
    } else if (key === 'status') {
      const status = statusFromLabel(value);
      if (status) input.status = status;
      else problem(key, `${JSON.stringify(value)} is not a known status label (${KNOWN_STATUS_LABELS.join(', ')})`);
    } else if (key === 'mac_addresses') {
      input.macs = value.split(/[\s,;]+/).filter(Boolean);
    } else if (field) {
      input[field] = value;
    }
  }
  if (!row.cells.has('full_name') && (row.cells.has('first_name') || row.cells.has('last_name'))) {
    input.assigneeName = [row.cells.get('first_name'), row.cells.get('last_name')].filter(Boolean).join(' ');
  }
  let disposal: DisposalInput | undefined;
  const dispose = ['disposal_method', 'disposal_certificate', 'disposal_vendor', 'disposal_date'] as const;
  if (dispose.some((k) => row.cells.has(k))) {
    const method = row.cells.get('disposal_method')?.toLowerCase() ?? '';
    if (!(SANITIZATION_METHODS as readonly string[]).includes(method)) {
      problem('disposal_method', `must be one of ${SANITIZATION_METHODS.join(', ')} (NIST SP 800-88)`);
    }
    const rawDate = row.cells.get('disposal_date') ?? '';
    const date = parseDateCell(rawDate);
    if (!date) problem('disposal_date', `${JSON.stringify(rawDate)} is not a date (YYYY-MM-DD)`);
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

/** Register field → the file's header for it, so plan problems point at the right column. */
function columnOfField(headers: Map<AssetColumnKey, string>, field: string): string {
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
 * Imports a Snipe-IT-format asset CSV, all or nothing. Rows are matched to the register by
 * asset tag: a new tag is created; a known one is updated with the cells that hold a value (an
 * empty cell leaves the stored value as it is, as Snipe-IT's importer does); a row that
 * changes nothing writes nothing. Any problem anywhere refuses the whole file, with the line
 * (header = line 1) and column of each. A dry run reports the same outcome and writes nothing.
 * Every step hands the event loop back between slices (ImportRun), and a file changing many rows
 * is written in chunks (writeAll).
 */
export async function importAssetsCsv(
  assets: AssetRegister,
  text: string,
  options: ImportOptions & WriteContext,
): Promise<ImportOutcome> {
  const run = { ...options.run, pace: options.run?.pace ?? createPace() };
  const { pace } = run;
  const parsed = await parseImportFile(text, ASSET_COLUMNS, ['asset_tag'], run);
  const errors: ImportLineError[] = [];
  const rows: RowInput[] = [];
  const firstLineOfTag = new Map<string, number>();
  await paced(parsed.rows, pace, (row) => {
    const r = rowInput(row, parsed.headers, errors);
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
  const plans: { row: RowInput; plan: AssetPlan }[] = [];
  const planned = (done: number) => run.progress?.({ phase: 'planning', done, total: rows.length });
  await paced(
    rows,
    pace,
    async (row) => {
      const existing = await assets.getByTag(row.tag);
      let disposal = row.disposal;
      if (disposal && existing?.status === 'disposed') {
        // An export of a disposed asset carries its disposal record; reading it back is not a
        // second disposal. A record that differs would rewrite history, which imports do not do.
        const stored = await assets.latestDisposal(existing.id);
        const same =
          stored?.method === disposal.method &&
          stored.certificateRef === disposal.certificateRef.trim() &&
          stored.vendor === disposal.vendor.trim() &&
          stored.date === disposal.date;
        if (!same) {
          errors.push({
            line: row.line,
            column: parsed.headers.get('disposal_method') ?? 'disposal_method',
            message:
              'differs from the disposal record of this disposed asset; disposal records are not changed by import',
          });
          return;
        }
        disposal = undefined;
      }
      const { plan, problems } = await planAssetWrite(assets, existing, row.input, disposal ? { disposal } : {});
      for (const p of problems) {
        errors.push({ line: row.line, column: columnOfField(parsed.headers, p.field), message: p.message });
      }
      if (plan) plans.push({ row, plan });
    },
    planned,
  );
  if (errors.length > 0) throw new ImportRefusedError(errors.sort((a, b) => a.line - b.line));
  const outcome: ImportOutcome = {
    dryRun: options.dryRun,
    rows: parsed.rows.length,
    created: [],
    updated: [],
    unchanged: [],
    ignoredColumns: parsed.ignoredColumns,
  };
  const writes: AssetWrite[] = [];
  await paced(plans, pace, ({ row, plan }) => {
    if (plan.kind === 'create') outcome.created.push({ line: row.line, assetTag: row.tag });
    else if (plan.kind === 'update') outcome.updated.push({ line: row.line, assetTag: row.tag, changes: plan.changes });
    else outcome.unchanged.push({ line: row.line, assetTag: row.tag });
    const write = assetWrite(plan, {
      actor: options.actor,
      ...(options.now ? { now: options.now } : {}),
      context: `${options.context ?? 'csv import'} line ${row.line}`,
    });
    if (write) writes.push(write);
  });
  // A few rows land in one write, so a refusal from the store leaves nothing behind; more, in chunks.
  if (!options.dryRun) await writeAll(writes, (batch) => assets.write(batch), run, pace);
  return outcome;
}

export const EXPORT_COLUMNS: readonly AssetColumnKey[] = ASSET_COLUMNS.map((c) => c.key).filter(
  (k) => k !== 'first_name' && k !== 'last_name',
);

/** The register as Snipe-IT-format CSV (plus Stocktake's columns), in asset tag order. */
export async function exportAssetsCsv(assets: AssetRegister): Promise<string> {
  const rows: string[][] = [];
  for await (const asset of assets.all()) {
    const disposal = asset.status === 'disposed' ? await assets.latestDisposal(asset.id) : undefined;
    rows.push(exportRow(asset, disposal));
  }
  return writeCsv(EXPORT_COLUMNS, rows);
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
    email: a.assigneeEmail ?? '',
    username: a.assigneeUsername ?? '',
    employee_num: a.assigneeEmployeeNumber ?? '',
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
