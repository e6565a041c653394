import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per agent installation; the token is stored only as its SHA-256. */
export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    hostname: text('hostname').notNull(),
    version: text('version').notNull(),
    platform: text('platform').notNull(),
    enrolledAt: text('enrolled_at').notNull(),
    lastSeenAt: text('last_seen_at'),
    revokedAt: text('revoked_at'),
    deviceId: text('device_id'),
  },
  (t) => [index('agents_device_idx').on(t.deviceId)],
);
