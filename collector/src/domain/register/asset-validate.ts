import { normalizeMac } from '@stocktake/shared';
import { ASSET_STATUSES, type AssetStatus, SANITIZATION_METHODS, type SanitizationMethod } from '@stocktake/shared/api';
import type { FieldProblem } from '../errors.ts';
import { uuidKey } from '../matching/identifiers.ts';
import {
  type AssetFieldName,
  type AssetFields,
  DATE_FIELDS,
  type DateFieldName,
  TEXT_FIELDS,
  type TextFieldName,
} from './asset-model.ts';
import { hasControlChars } from './text.ts';
import { addMonths, isIsoDate, toCents } from './values.ts';

/** What a client may send for an asset: any subset of fields; null clears a field. */
export type AssetInput = { [K in AssetFieldName]?: AssetFields[K] | null };

export interface DisposalInput {
  method: SanitizationMethod;
  certificateRef: string;
  vendor: string;
  date: string;
  notes?: string;
  /** What the disposal brought in; negative: what it cost. */
  proceeds?: number;
}

function text(field: TextFieldName, raw: unknown, problems: FieldProblem[]): string | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  if (typeof raw !== 'string') {
    problems.push({ field, message: 'must be a string' });
    return undefined;
  }
  const value = raw.trim();
  if (value === '') return null;
  if (value.length > TEXT_FIELDS[field]) {
    problems.push({ field, message: `is longer than ${TEXT_FIELDS[field]} characters` });
    return undefined;
  }
  if (hasControlChars(value, field === 'notes')) {
    problems.push({ field, message: 'contains control characters' });
    return undefined;
  }
  return value;
}

/**
 * Checks and normalises the fields of an asset request. Returns the fields it holds (absent
 * ones stay absent) and the problems found; with problems, nothing must be written.
 */
export function normalizeAssetInput(input: AssetInput): { patch: Partial<AssetFields>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const patch: Record<string, unknown> = {};
  for (const field of Object.keys(TEXT_FIELDS) as TextFieldName[]) {
    const value = text(field, input[field], problems);
    if (value !== undefined) patch[field] = value;
  }
  if (input.assetTag === null || patch.assetTag === null) {
    problems.push({ field: 'assetTag', message: 'is required' });
    delete patch.assetTag;
  }
  if (typeof patch.hardwareUuid === 'string') {
    const key = uuidKey(patch.hardwareUuid);
    if (key) patch.hardwareUuid = key;
    else {
      problems.push({ field: 'hardwareUuid', message: 'is not a UUID (or is an all-zero/all-F placeholder)' });
      delete patch.hardwareUuid;
    }
  }
  if (typeof patch.assigneeEmail === 'string' && !/^[^@\s]+@[^@\s]+$/.test(patch.assigneeEmail)) {
    problems.push({ field: 'assigneeEmail', message: 'is not an e-mail address' });
  }
  if (input.macs !== undefined) {
    if (input.macs === null) patch.macs = [];
    else if (!Array.isArray(input.macs)) problems.push({ field: 'macs', message: 'must be a list of MAC addresses' });
    else {
      const macs = new Set<string>();
      input.macs.forEach((raw, i) => {
        const mac = typeof raw === 'string' ? normalizeMac(raw) : undefined;
        if (mac) macs.add(mac);
        else problems.push({ field: `macs/${i}`, message: `${JSON.stringify(raw)} is not a MAC address` });
      });
      if (macs.size > 64) problems.push({ field: 'macs', message: 'holds more than 64 addresses' });
      patch.macs = [...macs].sort();
    }
  }
  for (const field of DATE_FIELDS as readonly DateFieldName[]) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null || raw === '') patch[field] = null;
    else if (typeof raw === 'string' && isIsoDate(raw)) patch[field] = raw;
    else problems.push({ field, message: `${JSON.stringify(raw)} is not a date (YYYY-MM-DD)` });
  }
  for (const field of ['purchaseCost', 'supportCost'] as const) {
    const amount = input[field];
    if (amount === undefined) continue;
    if (amount === null) patch[field] = null;
    else if (typeof amount === 'number' && toCents(amount) !== undefined) patch[field] = amount;
    else problems.push({ field, message: 'must be an amount ≥ 0 with at most two decimals' });
  }
  if (input.warrantyMonths !== undefined) {
    const m = input.warrantyMonths;
    if (m === null) patch.warrantyMonths = null;
    else if (typeof m === 'number' && Number.isInteger(m) && m >= 0 && m <= 1200) patch.warrantyMonths = m;
    else problems.push({ field: 'warrantyMonths', message: 'must be a whole number of months from 0 to 1200' });
  }
  if (input.status !== undefined) {
    if (input.status !== null && (ASSET_STATUSES as readonly string[]).includes(input.status)) {
      patch.status = input.status as AssetStatus;
    } else problems.push({ field: 'status', message: `must be one of ${ASSET_STATUSES.join(', ')}` });
  }
  return { patch: patch as Partial<AssetFields>, problems };
}

export const EMPTY_ASSET: Omit<AssetFields, 'assetTag'> = {
  name: null,
  serial: null,
  hardwareUuid: null,
  macs: [],
  hostname: null,
  manufacturer: null,
  model: null,
  modelNumber: null,
  category: null,
  status: 'in_stock',
  assigneeName: null,
  assigneeEmail: null,
  assigneeUsername: null,
  assigneeEmployeeNumber: null,
  assigneeDepartment: null,
  location: null,
  costCenter: null,
  supplier: null,
  orderNumber: null,
  purchaseDate: null,
  purchaseCost: null,
  warrantyMonths: null,
  warrantyEnd: null,
  expectedEndOfLife: null,
  supportCost: null,
  supportStart: null,
  supportEnd: null,
  notes: null,
};

/**
 * The asset after a patch, with the warranty end derived: when the purchase date and the
 * warranty in months are both known, the warranty ends that many months after purchase, and
 * an explicit end that says otherwise is refused (clear the months to set an end by hand).
 */
export function mergeAsset(
  base: AssetFields | undefined,
  patch: Partial<AssetFields>,
): { next: AssetFields; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const next: AssetFields = { ...EMPTY_ASSET, assetTag: '', ...base, ...patch };
  if (!base && !patch.assetTag) problems.push({ field: 'assetTag', message: 'is required' });
  if (next.purchaseDate && next.warrantyMonths !== null) {
    const derived = addMonths(next.purchaseDate, next.warrantyMonths);
    if (patch.warrantyEnd && patch.warrantyEnd !== derived) {
      problems.push({
        field: 'warrantyEnd',
        message: `disagrees with purchaseDate + warrantyMonths (${derived}); clear warrantyMonths to set the end by hand`,
      });
    }
    next.warrantyEnd = derived;
  }
  return { next, problems };
}

/**
 * The latest calendar date anywhere on Earth at `now` (UTC+14): a disposal done today where the
 * person is cannot be in the future, wherever the collector's clock runs.
 */
function latestDateAnywhere(now: Date): string {
  return new Date(now.getTime() + 14 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function normalizeDisposal(
  raw: DisposalInput | undefined,
  now: Date = new Date(),
): {
  disposal?: DisposalInput;
  problems: FieldProblem[];
} {
  if (!raw) return { problems: [] };
  const problems: FieldProblem[] = [];
  if (!(SANITIZATION_METHODS as readonly string[]).includes(raw.method)) {
    problems.push({
      field: 'disposal/method',
      message: `must be one of ${SANITIZATION_METHODS.join(', ')} (NIST SP 800-88)`,
    });
  }
  const certificateRef = raw.certificateRef?.trim() ?? '';
  const vendor = raw.vendor?.trim() ?? '';
  if (!certificateRef || certificateRef.length > 255 || hasControlChars(certificateRef)) {
    problems.push({ field: 'disposal/certificateRef', message: 'is required (1 to 255 printable characters)' });
  }
  if (!vendor || vendor.length > 255 || hasControlChars(vendor)) {
    problems.push({ field: 'disposal/vendor', message: 'is required (1 to 255 printable characters)' });
  }
  if (!raw.date || !isIsoDate(raw.date))
    problems.push({ field: 'disposal/date', message: 'must be a date (YYYY-MM-DD)' });
  else if (raw.date > latestDateAnywhere(now)) {
    problems.push({
      field: 'disposal/date',
      message: `${raw.date} is in the future: record a disposal once it is done`,
    });
  }
  const notes = raw.notes?.trim();
  if (notes && (notes.length > 65_535 || hasControlChars(notes, true))) {
    problems.push({ field: 'disposal/notes', message: 'is too long or contains control characters' });
  }
  const { proceeds } = raw;
  if (proceeds !== undefined && (typeof proceeds !== 'number' || toCents(Math.abs(proceeds)) === undefined)) {
    problems.push({ field: 'disposal/proceeds', message: 'must be an amount with at most two decimals' });
  }
  return {
    problems,
    disposal: {
      method: raw.method,
      certificateRef,
      vendor,
      date: raw.date,
      ...(notes ? { notes } : {}),
      ...(proceeds !== undefined ? { proceeds } : {}),
    },
  };
}
