import { API_ROLES } from '@stocktake/shared/api';
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * People's accounts. `password_hash` is scrypt's, with its parameters and salt
 * (`scrypt$N=..,r=..,p=..$salt$key`). A disabled account keeps its name, so the audit log's
 * `user:<name>` keeps naming one person.
 */
export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull().unique(),
  role: text('role', { enum: API_ROLES }).notNull(),
  passwordHash: text('password_hash').notNull(),
  passwordChangedAt: instant('password_changed_at').notNull(),
  createdAt: instant('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  disabledAt: instant('disabled_at'),
  disabledBy: text('disabled_by'),
});

/** Login sessions, kept as the SHA-256 of the cookie's token only. */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
    /** Written at most once a minute. */
    lastSeenAt: instant('last_seen_at').notNull(),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId)],
);
