import { LICENSE_METRICS } from '@stocktake/shared/api';
import { bigint, date, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * Software license entitlements. The match rule (name and publisher glob patterns, version
 * range) says which installed software counts against the seats. Product and order number
 * identify an entitlement (order number '' when there is none), which makes CSV re-imports
 * idempotent.
 */
export const licenses = pgTable(
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
    termStart: date('term_start', { mode: 'string' }),
    termEnd: date('term_end', { mode: 'string' }),
    /** Minor units (cents), 64-bit as in SQLite, so sums stay exact. */
    costPerSeatCents: bigint('cost_per_seat_cents', { mode: 'number' }),
    orderNumber: text('order_number').notNull().default(''),
    notes: text('notes'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [uniqueIndex('licenses_product_order_idx').on(t.product, t.orderNumber)],
);
