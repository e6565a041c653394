import { LICENSE_METRICS, type LicenseMetric } from '@stocktake/shared/api';
import type { FieldProblem } from '../errors.ts';
import { hasControlChars } from '../register/text.ts';
import { isIsoDate, toCents } from '../register/values.ts';
import { parseVersionRange } from './versions.ts';

export interface LicenseFields {
  product: string;
  publisher: string | null;
  namePattern: string;
  publisherPattern: string | null;
  versionRange: string | null;
  metric: LicenseMetric;
  seats: number;
  termStart: string | null;
  termEnd: string | null;
  costPerSeat: number | null;
  orderNumber: string | null;
  notes: string | null;
}

export type LicenseFieldName = keyof LicenseFields;

export interface License extends LicenseFields {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export type LicenseInput = { [K in LicenseFieldName]?: LicenseFields[K] | null };

export const LICENSE_FIELD_ORDER: readonly LicenseFieldName[] = [
  'product',
  'publisher',
  'namePattern',
  'publisherPattern',
  'versionRange',
  'metric',
  'seats',
  'termStart',
  'termEnd',
  'costPerSeat',
  'orderNumber',
  'notes',
];

const TEXT = {
  product: 255,
  publisher: 255,
  namePattern: 255,
  publisherPattern: 255,
  versionRange: 255,
  orderNumber: 255,
  notes: 65_535,
} as const;

export function licenseFieldsOf(l: License): LicenseFields {
  const out = {} as Record<LicenseFieldName, unknown>;
  for (const f of LICENSE_FIELD_ORDER) out[f] = l[f];
  return out as unknown as LicenseFields;
}

/**
 * The license after applying `input` to `base` (or to defaults when creating: the name pattern
 * defaults to the product, the metric to per device), with every rule checked.
 */
export function mergeLicense(
  base: LicenseFields | undefined,
  input: LicenseInput,
): { next?: LicenseFields; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const patch: Record<string, unknown> = {};
  for (const [field, max] of Object.entries(TEXT) as [keyof typeof TEXT, number][]) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null) {
      patch[field] = null;
      continue;
    }
    if (typeof raw !== 'string') {
      problems.push({ field, message: 'must be a string' });
      continue;
    }
    const v = raw.trim();
    if (v.length > max) problems.push({ field, message: `is longer than ${max} characters` });
    else if (hasControlChars(v, field === 'notes')) {
      problems.push({ field, message: 'contains control characters' });
    } else patch[field] = v === '' ? null : v;
  }
  for (const field of ['termStart', 'termEnd'] as const) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null || raw === '') patch[field] = null;
    else if (typeof raw === 'string' && isIsoDate(raw)) patch[field] = raw;
    else problems.push({ field, message: `${JSON.stringify(raw)} is not a date (YYYY-MM-DD)` });
  }
  if (input.metric !== undefined) {
    if (input.metric !== null && (LICENSE_METRICS as readonly string[]).includes(input.metric))
      patch.metric = input.metric;
    else problems.push({ field: 'metric', message: `must be one of ${LICENSE_METRICS.join(', ')}` });
  }
  if (input.seats !== undefined) {
    const s = input.seats;
    if (typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= 10_000_000) patch.seats = s;
    else problems.push({ field: 'seats', message: 'must be a whole number from 0 to 10,000,000' });
  }
  if (input.costPerSeat !== undefined) {
    if (input.costPerSeat === null) patch.costPerSeat = null;
    else if (typeof input.costPerSeat === 'number' && toCents(input.costPerSeat) !== undefined)
      patch.costPerSeat = input.costPerSeat;
    else problems.push({ field: 'costPerSeat', message: 'must be an amount ≥ 0 with at most two decimals' });
  }
  const merged = {
    publisher: null,
    publisherPattern: null,
    versionRange: null,
    metric: 'per_device',
    termStart: null,
    termEnd: null,
    costPerSeat: null,
    orderNumber: null,
    notes: null,
    ...base,
    ...patch,
  } as Partial<LicenseFields>;
  if (!merged.product) problems.push({ field: 'product', message: 'is required' });
  if (!merged.namePattern) {
    if (!base && merged.product && input.namePattern === undefined) merged.namePattern = merged.product;
    else problems.push({ field: 'namePattern', message: 'is required' });
  }
  if (merged.seats === undefined) problems.push({ field: 'seats', message: 'is required' });
  if (merged.versionRange && !parseVersionRange(merged.versionRange)) {
    problems.push({
      field: 'versionRange',
      message: `${JSON.stringify(merged.versionRange)} is not a version range (e.g. ">=16 <17", "16.*")`,
    });
  }
  if (merged.termStart && merged.termEnd && merged.termEnd < merged.termStart) {
    problems.push({ field: 'termEnd', message: 'is before termStart' });
  }
  if (problems.length > 0) return { problems };
  return { next: merged as LicenseFields, problems };
}
