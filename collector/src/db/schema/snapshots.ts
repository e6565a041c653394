import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Snapshots as received (gzip of the JSON body), keyed by the agent's snapshot id so a
 * resend is recognised and stores nothing twice.
 */
export const snapshots = sqliteTable(
  'snapshots',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id').notNull(),
    agentId: text('agent_id').notNull(),
    collectedAt: text('collected_at').notNull(),
    receivedAt: text('received_at').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    body: blob('body', { mode: 'buffer' }).notNull(),
  },
  (t) => [index('snapshots_device_idx').on(t.deviceId, t.receivedAt), index('snapshots_received_idx').on(t.receivedAt)],
);
