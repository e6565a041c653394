import { ASSET_STATUSES } from '@stocktake/shared/api';
import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * The asset register: what the organisation believes it owns. `*Key` columns are the
 * identifiers normalised for matching against discovered devices (null when junk).
 * `lockedFields` lists the fields a person set by hand: discovery never overwrites those.
 */
export const assets = pgTable(
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
    purchaseDate: date('purchase_date', { mode: 'string' }),
    /** Minor units (cents), 64-bit as in SQLite, so sums stay exact. */
    purchaseCostCents: bigint('purchase_cost_cents', { mode: 'number' }),
    warrantyMonths: integer('warranty_months'),
    warrantyEnd: date('warranty_end', { mode: 'string' }),
    expectedEndOfLife: date('expected_end_of_life', { mode: 'string' }),
    /** A support or extended warranty contract: its cost (cents) and term. */
    supportCostCents: bigint('support_cost_cents', { mode: 'number' }),
    supportStart: date('support_start', { mode: 'string' }),
    supportEnd: date('support_end', { mode: 'string' }),
    notes: text('notes'),
    lockedFields: jsonb('locked_fields').$type<string[]>().notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    index('assets_serial_key_idx').on(t.serialKey),
    index('assets_uuid_key_idx').on(t.uuidKey),
    index('assets_hostname_key_idx').on(t.hostnameKey),
    index('assets_status_idx').on(t.status),
  ],
);

/** MAC addresses recorded for an asset, one row each so matching by MAC is an index lookup. */
export const assetMacs = pgTable(
  'asset_macs',
  {
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    mac: text('mac').notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.mac] }), index('asset_macs_mac_idx').on(t.mac)],
);
