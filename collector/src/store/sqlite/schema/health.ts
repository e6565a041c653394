import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row the readiness check rewrites: a real write to the database's log, so a file system
 * that stopped taking writes (full, remounted read-only, failing) shows on the readiness route
 * before an agent's snapshot finds out.
 */
export const readinessProbe = sqliteTable('readiness_probe', {
  id: integer('id').primaryKey(),
  checkedAt: text('checked_at').notNull(),
});
