import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv/csv.ts';
import { EXPORT_HEADER, exportAssetsCsv } from './asset-csv.ts';
import type { AssetRegister } from './ports.ts';

/**
 * How Snipe-IT's importer (its web importer, in English) maps a CSV header to an asset field by
 * itself: the header equals a field's label, case aside; else it is one of the aliases of a field
 * the asset import has, the alias groups tried in Snipe-IT's order. These are facts about Snipe-IT
 * (app/Livewire/Importer.php and its English language files), written down here to check against.
 */
const SNIPE_IT_ASSET_LABELS: Readonly<Record<string, string>> = {
  asset_eol_date: 'EOL Date',
  asset_model: 'Model Name',
  asset_notes: 'Asset Notes',
  asset_tag: 'Asset Tag',
  byod: 'BYOD',
  category: 'Category',
  company: 'Company',
  image: 'Image Filename',
  item_name: 'Asset Name',
  location: 'Location',
  manufacturer: 'Manufacturer',
  model_notes: 'Model Notes',
  model_number: 'Model No.',
  order_number: 'Order Number',
  purchase_cost: 'Purchase Cost',
  purchase_date: 'Purchase Date',
  requestable: 'Requestable',
  serial: 'Serial Number',
  status: 'Status',
  supplier: 'Supplier',
  warranty_months: 'Warranty',
  checkout_class: 'Checkout Type',
  first_name: 'Checked Out to: First Name',
  last_name: 'Checked Out to: Last Name',
  full_name: 'Checked Out to: Full Name',
  email: 'Checked Out to: Email',
  username: 'Checked Out to: Username',
  checkout_location: 'Checkout to Location',
  last_checkin: 'Last Checkin Date',
  last_checkout: 'Checkout Date',
  expected_checkin: 'Expected Checkin Date',
  last_audit_date: 'Last Audit',
  next_audit_date: 'Next Audit Date',
};

/** Snipe-IT's alias groups that name asset fields, in its order (groups for other imports left out). */
const SNIPE_IT_ALIASES: readonly [string, readonly string[]][] = [
  [
    'item_name',
    ['item name', 'asset name', 'accessory name', 'user name', 'consumable name', 'component name', 'name'],
  ],
  ['asset_model', ['model name', 'model']],
  ['requestable', ['requestable', 'Requestable']],
  ['full_name', ['full name', 'fullname', 'Checked Out to: Full Name']],
  ['username', ['user name', 'username', 'Checked Out to: Username']],
  ['first_name', ['first name', 'Checked Out to: First Name']],
  ['last_name', ['last name', 'lastname', 'Checked Out to: Last Name']],
  ['email', ['email', 'e-mail', 'Checked Out to: Email']],
  ['serial', ['serial number', 'serial no.', 'serial no', 'product key', 'key']],
  ['model_number', ['model', 'model no', 'model no.', 'model number', 'model num', 'model num.']],
  ['warranty_months', ['Warranty', 'Warranty Months']],
  ['next_audit_date', ['Next Audit']],
  ['last_checkout', ['Last Checkout', 'Last Checkout Date', 'Checkout Date']],
];

/** The asset field Snipe-IT's importer maps a header to by itself, or undefined (not imported, or a custom field). */
function snipeItField(header: string): string | undefined {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const byLabel = Object.entries(SNIPE_IT_ASSET_LABELS).find(([, label]) => same(label, header));
  if (byLabel) return byLabel[0];
  return SNIPE_IT_ALIASES.find(([, aliases]) => aliases.some((alias) => same(alias, header)))?.[0];
}

describe("the asset export's header in Snipe-IT's importer", () => {
  it('maps every column Snipe-IT has to that field, and leaves Stocktake’s own to custom fields', () => {
    const mapped = Object.fromEntries(EXPORT_HEADER.map((h) => [h, snipeItField(h) ?? null]));
    expect(mapped).toEqual({
      'Asset Tag': 'asset_tag',
      'Asset Name': 'item_name',
      'Serial Number': 'serial',
      'Model Name': 'asset_model',
      'Model Number': 'model_number',
      Manufacturer: 'manufacturer',
      Category: 'category',
      Status: 'status',
      Location: 'location',
      'Purchase Date': 'purchase_date',
      'Purchase Cost': 'purchase_cost',
      Warranty: 'warranty_months',
      Supplier: 'supplier',
      'Order Number': 'order_number',
      'Asset Notes': 'asset_notes',
      'Full Name': 'full_name',
      Email: 'email',
      Username: 'username',
      'Checkout Type': 'checkout_class',
      'EOL Date': 'asset_eol_date',
      // Not fields of Snipe-IT's asset importer: a custom field of the same name takes them.
      'Employee Number': null,
      Department: null,
      'Warranty Expires': null,
      'Cost Center': null,
      Hostname: null,
      'Hardware UUID': null,
      'MAC Address': null,
      'Disposal Method': null,
      'Disposal Certificate': null,
      'Disposal Vendor': null,
      'Disposal Date': null,
    });
  });

  it('is the header an export writes, each name once', async () => {
    const empty: Pick<AssetRegister, 'all' | 'latestDisposal'> = {
      async *all() {},
      latestDisposal: async () => undefined,
    };
    const [header] = parseCsv(await exportAssetsCsv(empty as AssetRegister));
    expect(header?.fields).toEqual([...EXPORT_HEADER]);
    expect(new Set(EXPORT_HEADER.map((h) => h.toLowerCase())).size).toBe(EXPORT_HEADER.length);
  });
});
