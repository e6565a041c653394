import { LICENSE_METRICS } from '@stocktake/shared/api';
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Software license entitlements. The match rule (name and publisher glob patterns, version
 * range) says which installed software counts against the seats. Product and order number
 * identify an entitlement (order number '' when there is none), which makes CSV re-imports
 * idempotent.
 */
export const licenses = sqliteTable(
  'licenses',
  {
    id: text('id').primaryKey(),
    product: text('product').notNull(),
    publisher: text('publisher'),
    namePattern: text('name_pattern').notNull(),
    publisherPattern: text('publisher_pattern'),
    versionRange: text('version_range'),
    metric: text('metric', { enum: LICENSE_METRICS }).notNull(),
    seats: integer('seats').notNull(),
    termStart: text('term_start'),
    termEnd: text('term_end'),
    costPerSeatCents: integer('cost_per_seat_cents'),
    orderNumber: text('order_number').notNull().default(''),
    notes: text('notes'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('licenses_product_order_idx').on(t.product, t.orderNumber)],
);
