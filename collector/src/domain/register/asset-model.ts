import type { AssetStatus } from '@stocktake/shared/api';

/** The register fields of an asset as the API shows them (money as a decimal amount). */
export interface AssetFields {
  assetTag: string;
  name: string | null;
  serial: string | null;
  hardwareUuid: string | null;
  macs: string[];
  hostname: string | null;
  manufacturer: string | null;
  model: string | null;
  modelNumber: string | null;
  category: string | null;
  status: AssetStatus;
  assigneeName: string | null;
  assigneeEmail: string | null;
  assigneeUsername: string | null;
  assigneeEmployeeNumber: string | null;
  assigneeDepartment: string | null;
  location: string | null;
  costCenter: string | null;
  supplier: string | null;
  orderNumber: string | null;
  purchaseDate: string | null;
  purchaseCost: number | null;
  warrantyMonths: number | null;
  warrantyEnd: string | null;
  expectedEndOfLife: string | null;
  supportCost: number | null;
  supportStart: string | null;
  supportEnd: string | null;
  notes: string | null;
}

export type AssetFieldName = keyof AssetFields;

export interface Asset extends AssetFields {
  id: string;
  lockedFields: string[];
  createdAt: string;
  updatedAt: string;
}

/** Free-text fields and their longest accepted length. */
export const TEXT_FIELDS = {
  assetTag: 255,
  name: 255,
  serial: 255,
  hardwareUuid: 64,
  hostname: 255,
  manufacturer: 255,
  model: 255,
  modelNumber: 255,
  category: 255,
  assigneeName: 255,
  assigneeEmail: 255,
  assigneeUsername: 255,
  assigneeEmployeeNumber: 255,
  assigneeDepartment: 255,
  location: 255,
  costCenter: 255,
  supplier: 255,
  orderNumber: 255,
  notes: 65_535,
} as const satisfies Partial<Record<AssetFieldName, number>>;

export type TextFieldName = keyof typeof TEXT_FIELDS;

export const DATE_FIELDS = ['purchaseDate', 'warrantyEnd', 'expectedEndOfLife', 'supportStart', 'supportEnd'] as const;
export type DateFieldName = (typeof DATE_FIELDS)[number];

/**
 * Fields discovery may fill from a linked device, and only while nobody has set them by hand:
 * identifiers (serial, UUID, MACs, host name) and make and model. Everything else in the
 * register (who has it, where, what it cost, its status) is the organisation's word alone.
 */
export const DISCOVERABLE_FIELDS = ['serial', 'hardwareUuid', 'macs', 'hostname', 'manufacturer', 'model'] as const;
export type DiscoverableField = (typeof DISCOVERABLE_FIELDS)[number];

export function isDiscoverable(field: string): field is DiscoverableField {
  return (DISCOVERABLE_FIELDS as readonly string[]).includes(field);
}

/** Every register field in the order lists and diffs show them. */
export const FIELD_ORDER: readonly AssetFieldName[] = [
  'assetTag',
  'name',
  'serial',
  'hardwareUuid',
  'macs',
  'hostname',
  'manufacturer',
  'model',
  'modelNumber',
  'category',
  'status',
  'assigneeName',
  'assigneeEmail',
  'assigneeUsername',
  'assigneeEmployeeNumber',
  'assigneeDepartment',
  'location',
  'costCenter',
  'supplier',
  'orderNumber',
  'purchaseDate',
  'purchaseCost',
  'warrantyMonths',
  'warrantyEnd',
  'expectedEndOfLife',
  'supportCost',
  'supportStart',
  'supportEnd',
  'notes',
];

export function fieldsOf(asset: Asset): AssetFields {
  const out = {} as Record<AssetFieldName, unknown>;
  for (const f of FIELD_ORDER) out[f] = asset[f];
  return out as unknown as AssetFields;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

export interface FieldChange {
  field: AssetFieldName;
  from: unknown;
  to: unknown;
}

/** The fields whose value differs, in field order. */
export function diffFields(before: AssetFields, after: AssetFields): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of FIELD_ORDER) {
    if (!sameValue(before[f], after[f])) out.push({ field: f, from: before[f], to: after[f] });
  }
  return out;
}

export function changesToAudit(changes: readonly FieldChange[]): { before: object; after: object } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const c of changes) {
    before[c.field] = c.from;
    after[c.field] = c.to;
  }
  return { before, after };
}
