import { ASSET_STATUSES, SANITIZATION_METHODS } from '@stocktake/shared/api';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { assets } from './assets.ts';

/** Every status an asset has been in, as events: the lifecycle from planned to disposed. */
export const assetStatusEvents = sqliteTable(
  'asset_status_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status', { enum: ASSET_STATUSES }),
    toStatus: text('to_status', { enum: ASSET_STATUSES }).notNull(),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    note: text('note'),
    /** An administrator's correction that bypassed the lifecycle rules (e.g. out of disposed). */
    correction: integer('correction', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('asset_status_events_asset_idx').on(t.assetId, t.id)],
);

/** How an asset's data was sanitised when it was disposed of (NIST SP 800-88), and who certified it. */
export const assetDisposals = sqliteTable(
  'asset_disposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    statusEventId: integer('status_event_id')
      .notNull()
      .references(() => assetStatusEvents.id, { onDelete: 'cascade' }),
    method: text('method', { enum: SANITIZATION_METHODS }).notNull(),
    certificateRef: text('certificate_ref').notNull(),
    vendor: text('vendor').notNull(),
    disposedOn: text('disposed_on').notNull(),
    /** What the disposal brought in, or (negative) cost, in cents; null when not recorded. */
    proceedsCents: integer('proceeds_cents'),
    notes: text('notes'),
  },
  (t) => [index('asset_disposals_asset_idx').on(t.assetId, t.id)],
);
