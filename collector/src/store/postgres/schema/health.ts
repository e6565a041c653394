import { integer, pgTable } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * One row the readiness check rewrites: a real write through the server's log, so a database
 * that stopped taking writes (a full disk, a read-only standby after a fail-over, a disk
 * quota) shows on the readiness route before an agent's snapshot finds out.
 */
export const readinessProbe = pgTable('readiness_probe', {
  id: integer('id').primaryKey(),
  checkedAt: instant('checked_at').notNull(),
});
