import { API_ROLES } from '@stocktake/shared/api';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * People's accounts. `password_hash` is scrypt's, with its parameters and salt
 * (`scrypt$N=..,r=..,p=..$salt$key`). A disabled account keeps its name, so the audit log's
 * `user:<name>` keeps naming one person.
 */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  role: text('role', { enum: API_ROLES }).notNull(),
  passwordHash: text('password_hash').notNull(),
  passwordChangedAt: text('password_changed_at').notNull(),
  createdAt: text('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  disabledAt: text('disabled_at'),
  disabledBy: text('disabled_by'),
});

/** Login sessions, kept as the SHA-256 of the cookie's token only. */
export const userSessions = sqliteTable(
  'user_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
    /** Written at most once a minute. */
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId)],
);
