import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * The latest tick of each cluster-wide job that an instance claimed: the one instance whose
 * claim moves `tick_at` forward runs that tick, however many instances scheduled it.
 */
export const jobLeases = pgTable('job_leases', {
  job: text('job').primaryKey(),
  tickAt: instant('tick_at').notNull(),
  holder: text('holder').notNull(),
  claimedAt: instant('claimed_at').notNull(),
});

/**
 * Which collector instance holds each agent's live channel, and when the agent was last heard
 * from: any instance answers `online` and `lastHeartbeatAt` from here. An instance renews its
 * rows while it runs (`renewed_at`); one that stopped without closing them stops renewing, and
 * its agents read as offline once the renewal is stale.
 */
export const agentPresence = pgTable(
  'agent_presence',
  {
    agentId: text('agent_id').primaryKey(),
    /** The instance holding the channel; null once it closed. */
    instance: text('instance'),
    connectedAt: instant('connected_at'),
    lastHeartbeatAt: instant('last_heartbeat_at').notNull(),
    renewedAt: instant('renewed_at').notNull(),
  },
  (t) => [index('agent_presence_instance_idx').on(t.instance)],
);
