import type { AssetStatus } from '@stocktake/shared/api';
import type { AssetFieldName } from './asset-model.ts';
import type { ColumnSpec } from './csv-import.ts';

/**
 * Asset CSV columns. The first block are Snipe-IT's asset importer field names (the headers
 * Stocktake exports under), each with the header variants Snipe-IT's importer also accepts
 * ("Asset Tag", "Serial Number", "Model Name", "Warranty", "Full Name", ...), so a Snipe-IT
 * export imports as it is. The second block are Stocktake's own fields, which Snipe-IT ignores
 * on import (or takes as custom fields).
 */
export const ASSET_COLUMNS = [
  { key: 'asset_tag', aliases: ['asset tag'] },
  { key: 'item_name', aliases: ['item name', 'asset name', 'name'] },
  { key: 'serial', aliases: ['serial number', 'serial no.', 'serial no'] },
  { key: 'asset_model', aliases: ['model name', 'model'] },
  { key: 'model_number', aliases: ['model number', 'model no', 'model no.', 'model num', 'model num.'] },
  { key: 'manufacturer', aliases: [] },
  { key: 'category', aliases: [] },
  { key: 'status', aliases: ['status label'] },
  { key: 'location', aliases: [] },
  { key: 'purchase_date', aliases: ['purchase date'] },
  { key: 'purchase_cost', aliases: ['purchase cost'] },
  { key: 'warranty_months', aliases: ['warranty', 'warranty months'] },
  { key: 'supplier', aliases: [] },
  { key: 'order_number', aliases: ['order number'] },
  { key: 'notes', aliases: ['asset notes', 'asset_notes'] },
  { key: 'full_name', aliases: ['full name', 'fullname', 'checked out to: full name'] },
  { key: 'first_name', aliases: ['first name', 'checked out to: first name'] },
  { key: 'last_name', aliases: ['last name', 'lastname', 'checked out to: last name'] },
  { key: 'email', aliases: ['e-mail', 'checked out to: email'] },
  { key: 'username', aliases: ['user name', 'checked out to: username'] },
  { key: 'employee_num', aliases: ['employee number', 'employee num', 'employee no'] },
  { key: 'asset_eol_date', aliases: ['eol date', 'asset eol date', 'eol'] },
  { key: 'warranty_end', aliases: ['warranty expires', 'warranty end date'] },
  { key: 'cost_center', aliases: ['cost centre'] },
  { key: 'hostname', aliases: ['host name'] },
  { key: 'hardware_uuid', aliases: ['uuid', 'system uuid'] },
  { key: 'mac_addresses', aliases: ['mac address', 'mac'] },
  { key: 'disposal_method', aliases: [] },
  { key: 'disposal_certificate', aliases: ['disposal certificate ref', 'certificate'] },
  { key: 'disposal_vendor', aliases: [] },
  { key: 'disposal_date', aliases: [] },
] as const satisfies readonly ColumnSpec<string>[];

export type AssetColumnKey = (typeof ASSET_COLUMNS)[number]['key'];

/** The register field each column sets (assignee name columns combine; disposal columns are not fields). */
export const COLUMN_FIELD: Partial<Record<AssetColumnKey, AssetFieldName>> = {
  asset_tag: 'assetTag',
  item_name: 'name',
  serial: 'serial',
  asset_model: 'model',
  model_number: 'modelNumber',
  manufacturer: 'manufacturer',
  category: 'category',
  status: 'status',
  location: 'location',
  purchase_date: 'purchaseDate',
  purchase_cost: 'purchaseCost',
  warranty_months: 'warrantyMonths',
  supplier: 'supplier',
  order_number: 'orderNumber',
  notes: 'notes',
  full_name: 'assigneeName',
  email: 'assigneeEmail',
  username: 'assigneeUsername',
  employee_num: 'assigneeEmployeeNumber',
  asset_eol_date: 'expectedEndOfLife',
  warranty_end: 'warrantyEnd',
  cost_center: 'costCenter',
  hostname: 'hostname',
  hardware_uuid: 'hardwareUuid',
  mac_addresses: 'macs',
};

/** Status labels Stocktake writes: readable, and read back to the same status. */
export const STATUS_LABELS: Readonly<Record<AssetStatus, string>> = {
  planned: 'Planned',
  ordered: 'Ordered',
  in_stock: 'Ready to Deploy',
  deployed: 'Deployed',
  in_repair: 'Out for Repair',
  retired: 'Retired',
  disposed: 'Disposed',
  lost: 'Lost',
  stolen: 'Stolen',
};

/**
 * Labels read as each status: Stocktake's own names and labels, and Snipe-IT's default status
 * labels ("Pending" is bought but not ready: ordered; "Archived" and "Broken - Not Fixable" are
 * out of service: retired; "Lost/Stolen" cannot say which: lost).
 */
const LABEL_ALIASES: Readonly<Record<AssetStatus, readonly string[]>> = {
  planned: ['planned'],
  ordered: ['ordered', 'on order', 'pending'],
  in_stock: ['in stock', 'in_stock', 'ready to deploy', 'deployable', 'available'],
  deployed: ['deployed', 'checked out', 'in use', 'assigned'],
  in_repair: ['in repair', 'in_repair', 'out for repair', 'out for diagnostics', 'under repair'],
  retired: ['retired', 'archived', 'broken - not fixable', 'decommissioned'],
  disposed: ['disposed', 'recycled', 'destroyed'],
  lost: ['lost', 'lost/stolen', 'missing'],
  stolen: ['stolen'],
};

const BY_LABEL = new Map<string, AssetStatus>();
for (const [status, labels] of Object.entries(LABEL_ALIASES) as [AssetStatus, readonly string[]][]) {
  for (const label of labels) BY_LABEL.set(label, status);
}

export function statusFromLabel(label: string): AssetStatus | undefined {
  return BY_LABEL.get(label.trim().toLowerCase().replace(/\s+/g, ' '));
}

export const KNOWN_STATUS_LABELS: readonly string[] = [...new Set(Object.values(STATUS_LABELS))];
