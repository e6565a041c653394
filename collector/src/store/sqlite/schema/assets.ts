import { ASSET_STATUSES } from '@stocktake/shared/api';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The asset register: what the organisation believes it owns. `*Key` columns are the
 * identifiers normalised for matching against discovered devices (null when junk).
 * `lockedFields` lists the fields a person set by hand: discovery never overwrites those.
 */
export const assets = sqliteTable(
  'assets',
  {
    id: text('id').primaryKey(),
    assetTag: text('asset_tag').notNull().unique(),
    name: text('name'),
    serial: text('serial'),
    serialKey: text('serial_key'),
    hardwareUuid: text('hardware_uuid'),
    uuidKey: text('uuid_key'),
    hostname: text('hostname'),
    hostnameKey: text('hostname_key'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    modelNumber: text('model_number'),
    category: text('category'),
    status: text('status', { enum: ASSET_STATUSES }).notNull(),
    assigneeName: text('assignee_name'),
    assigneeEmail: text('assignee_email'),
    assigneeUsername: text('assignee_username'),
    assigneeEmployeeNumber: text('assignee_employee_number'),
    assigneeDepartment: text('assignee_department'),
    location: text('location'),
    costCenter: text('cost_center'),
    supplier: text('supplier'),
    orderNumber: text('order_number'),
    purchaseDate: text('purchase_date'),
    /** Minor units (cents) so sums stay exact. */
    purchaseCostCents: integer('purchase_cost_cents'),
    warrantyMonths: integer('warranty_months'),
    warrantyEnd: text('warranty_end'),
    expectedEndOfLife: text('expected_end_of_life'),
    /** A support or extended warranty contract: its cost (cents) and term. */
    supportCostCents: integer('support_cost_cents'),
    supportStart: text('support_start'),
    supportEnd: text('support_end'),
    notes: text('notes'),
    lockedFields: text('locked_fields', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('assets_serial_key_idx').on(t.serialKey),
    index('assets_uuid_key_idx').on(t.uuidKey),
    index('assets_hostname_key_idx').on(t.hostnameKey),
    index('assets_status_idx').on(t.status),
  ],
);

/** MAC addresses recorded for an asset, one row each so matching by MAC is an index lookup. */
export const assetMacs = sqliteTable(
  'asset_macs',
  {
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    mac: text('mac').notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.mac] }), index('asset_macs_mac_idx').on(t.mac)],
);
