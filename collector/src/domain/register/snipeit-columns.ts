import { ASSET_STATUSES, type AssetStatus } from '@stocktake/shared/api';
import type { AssetFieldName } from './asset-model.ts';
import type { ColumnSpec } from './csv-import.ts';
import { hasControlChars } from './text.ts';

/**
 * Asset CSV columns. `header` is the name Stocktake exports the column under: for the columns
 * Snipe-IT's asset importer knows, a name its importer maps to that field by itself (its English
 * field label or one of its header aliases), so an export imports into Snipe-IT without mapping
 * by hand. `aliases` are the other headers read as the column: Snipe-IT's importer labels and
 * aliases, the Custom Asset Report's headers (Snipe-IT's Reports > Custom Asset Report), and
 * Stocktake's own keys. Stocktake's own columns come last: Snipe-IT ignores them on import, or
 * takes them as custom fields of the same name.
 */
export const ASSET_COLUMNS = [
  { key: 'asset_tag', header: 'Asset Tag', aliases: [] },
  { key: 'item_name', header: 'Asset Name', aliases: ['item name', 'name'] },
  { key: 'serial', header: 'Serial Number', aliases: ['serial', 'serial no.', 'serial no'] },
  { key: 'asset_model', header: 'Model Name', aliases: ['model'] },
  { key: 'model_number', header: 'Model Number', aliases: ['model no', 'model no.', 'model num', 'model num.'] },
  { key: 'manufacturer', header: 'Manufacturer', aliases: [] },
  { key: 'category', header: 'Category', aliases: [] },
  { key: 'status', header: 'Status', aliases: ['status label'] },
  { key: 'location', header: 'Location', aliases: [] },
  { key: 'purchase_date', header: 'Purchase Date', aliases: ['purchased'] },
  { key: 'purchase_cost', header: 'Purchase Cost', aliases: ['cost'] },
  { key: 'warranty_months', header: 'Warranty', aliases: ['warranty months'] },
  { key: 'supplier', header: 'Supplier', aliases: [] },
  { key: 'order_number', header: 'Order Number', aliases: [] },
  { key: 'notes', header: 'Asset Notes', aliases: ['notes'] },
  { key: 'full_name', header: 'Full Name', aliases: ['fullname', 'checked out to: full name'] },
  { key: 'first_name', header: 'First Name', aliases: ['checked out to: first name'] },
  { key: 'last_name', header: 'Last Name', aliases: ['lastname', 'checked out to: last name'] },
  { key: 'email', header: 'Email', aliases: ['e-mail', 'checked out to: email'] },
  { key: 'username', header: 'Username', aliases: ['user name', 'checked out to: username'] },
  { key: 'checkout_class', header: 'Checkout Type', aliases: ['type'] },
  {
    key: 'employee_num',
    header: 'Employee Number',
    aliases: ['employee num', 'employee no', 'employee no.', 'checked out to: employee number'],
  },
  {
    key: 'department',
    header: 'Department',
    aliases: ['checked out to: department', 'user department'],
  },
  { key: 'asset_eol_date', header: 'EOL Date', aliases: ['eol', 'asset eol date'] },
  { key: 'warranty_end', header: 'Warranty Expires', aliases: ['warranty end date'] },
  { key: 'cost_center', header: 'Cost Center', aliases: ['cost centre'] },
  { key: 'hostname', header: 'Hostname', aliases: ['host name'] },
  { key: 'hardware_uuid', header: 'Hardware UUID', aliases: ['uuid', 'system uuid'] },
  { key: 'mac_addresses', header: 'MAC Address', aliases: ['mac addresses', 'mac'] },
  { key: 'disposal_method', header: 'Disposal Method', aliases: [] },
  { key: 'disposal_certificate', header: 'Disposal Certificate', aliases: ['disposal certificate ref', 'certificate'] },
  { key: 'disposal_vendor', header: 'Disposal Vendor', aliases: [] },
  { key: 'disposal_date', header: 'Disposal Date', aliases: [] },
  // Read only: where a row is checked out to, as Snipe-IT's importer and Custom Asset Report say it.
  {
    key: 'checkout_location',
    header: 'Checkout to Location',
    aliases: ['checkout location', 'checked out to: location'],
  },
  // The Custom Asset Report's "Checked Out": a person's name, or a location's or an asset's,
  // as its "Type" says.
  { key: 'checked_out', header: 'Checked Out', aliases: ['assigned to'] },
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
  department: 'assigneeDepartment',
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

/** A status label as labels are compared: case, surrounding and repeated spaces do not count. */
export function normalizeLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The status a label means: the import's own mapping (normalised labels) first, then the built-in labels. */
export function statusFromLabel(
  label: string,
  mapping: ReadonlyMap<string, AssetStatus> = new Map(),
): AssetStatus | undefined {
  const key = normalizeLabel(label);
  return mapping.get(key) ?? BY_LABEL.get(key);
}

/**
 * Snipe-IT's status types, which its Custom Asset Report writes after the label in parentheses
 * ("Ready to Deploy (deployed)"): what the asset is, whatever its label is called. Deployed
 * means checked out. Undeployable covers broken and in repair alike, so it decides nothing.
 */
const STATUS_META: Readonly<Record<string, AssetStatus | null>> = {
  deployed: 'deployed',
  deployable: 'in_stock',
  pending: 'ordered',
  archived: 'retired',
  undeployable: null,
};

/** A status cell split into its label and the Custom Asset Report's status type, if it carries one. */
export function splitStatusMeta(raw: string): { label: string; meta?: string } {
  const m = /^(.*?)\s*\(([a-z]+)\)$/i.exec(raw.trim());
  const meta = m?.[2]?.toLowerCase();
  if (!m || meta === undefined || !(meta in STATUS_META) || (m[1] ?? '').trim() === '') return { label: raw.trim() };
  return { label: (m[1] ?? '').trim(), meta };
}

/** The status a Custom Asset Report's status type means, when it means one. */
export function statusFromMeta(meta: string | undefined): AssetStatus | undefined {
  return meta === undefined ? undefined : (STATUS_META[meta] ?? undefined);
}

/**
 * Reads a status mapping as a person writes it: `Pending Diagnostics=in_repair,Undeployable=retired`
 * (each label of the source system, an equals sign, a Stocktake status; pairs separated by commas
 * or new lines). Labels are compared as normalizeLabel does. Problems name each bad pair.
 */
export function parseStatusMap(text: string): {
  mapping: Map<string, AssetStatus>;
  /** The pairs as written (labels in their own spelling), for keeping in the policy. */
  entries: Record<string, AssetStatus>;
  problems: string[];
} {
  const mapping = new Map<string, AssetStatus>();
  const entries: Record<string, AssetStatus> = {};
  const problems: string[] = [];
  for (const pair of text.split(/[,\n]/)) {
    if (pair.trim() === '') continue;
    const at = pair.lastIndexOf('=');
    const label = at > 0 ? pair.slice(0, at).trim() : '';
    const status =
      at > 0
        ? pair
            .slice(at + 1)
            .trim()
            .toLowerCase()
        : '';
    if (!label || !status) {
      problems.push(`${JSON.stringify(pair.trim())} is not LABEL=STATUS`);
    } else if (!(ASSET_STATUSES as readonly string[]).includes(status)) {
      problems.push(
        `${JSON.stringify(pair.trim())}: ${JSON.stringify(status)} is not a status (${ASSET_STATUSES.join(', ')})`,
      );
    } else if (label.length > 255 || hasControlChars(label)) {
      problems.push(
        `${JSON.stringify(pair.trim())}: the label is longer than 255 characters or holds control characters`,
      );
    } else {
      mapping.set(normalizeLabel(label), status as AssetStatus);
      entries[label] = status as AssetStatus;
    }
  }
  return { mapping, entries, problems };
}

/** A saved or given mapping (label → status) with its labels normalised. */
export function statusMapping(entries: Readonly<Record<string, AssetStatus>>): Map<string, AssetStatus> {
  return new Map(Object.entries(entries).map(([label, status]) => [normalizeLabel(label), status]));
}

/** A saved mapping with given pairs over it: a given label replaces the saved one it equals (normalizeLabel). */
export function mergeStatusMaps(
  saved: Readonly<Record<string, AssetStatus>>,
  given: Readonly<Record<string, AssetStatus>>,
): Record<string, AssetStatus> {
  const replaced = new Set(Object.keys(given).map(normalizeLabel));
  const kept = Object.entries(saved).filter(([label]) => !replaced.has(normalizeLabel(label)));
  return { ...Object.fromEntries(kept), ...given };
}
