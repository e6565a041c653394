import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The latest tick of each cluster-wide job claimed. One process owns a SQLite file, so the
 * claim always goes to it; the table is here so that both engines keep the same tables, and a
 * store copied to PostgreSQL carries it.
 */
export const jobLeases = sqliteTable('job_leases', {
  job: text('job').primaryKey(),
  tickAt: text('tick_at').notNull(),
  holder: text('holder').notNull(),
  claimedAt: text('claimed_at').notNull(),
});

/**
 * Which instance holds each agent's live channel (PostgreSQL's cluster presence). One process
 * owns a SQLite file and keeps presence in its memory; the table stays empty here and exists so
 * that both engines keep the same tables.
 */
export const agentPresence = sqliteTable(
  'agent_presence',
  {
    agentId: text('agent_id').primaryKey(),
    instance: text('instance'),
    connectedAt: text('connected_at'),
    lastHeartbeatAt: text('last_heartbeat_at').notNull(),
    renewedAt: text('renewed_at').notNull(),
  },
  (t) => [index('agent_presence_instance_idx').on(t.instance)],
);
