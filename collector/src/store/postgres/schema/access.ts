import { API_ROLES, ENROLL_SECRET_ORIGINS } from '@stocktake/shared/api';
import { sql } from 'drizzle-orm';
import { integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * API tokens of people and scripts. The token itself is shown once and kept only as its
 * SHA-256; `name` is what the audit log records as the actor. A name is unique among live
 * tokens, so a revoked token's name may be given to its replacement.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    role: text('role', { enum: API_ROLES }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: instant('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    /** Refreshed at most once a minute, so reads do not turn into writes. */
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
    revokedBy: text('revoked_by'),
  },
  (t) => [uniqueIndex('api_tokens_live_name_idx').on(t.name).where(sql`${t.revokedAt} IS NULL`)],
);

/**
 * Secrets agents enrol with, kept as SHA-256 only. `config` is the secret the collector was
 * started with (flag, environment or the generated file): replaced when the configuration
 * changes. `managed` ones come from `enroll-secret rotate`.
 */
export const enrollSecrets = pgTable('enroll_secrets', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  secretHash: text('secret_hash').notNull().unique(),
  origin: text('origin', { enum: ENROLL_SECRET_ORIGINS }).notNull(),
  createdAt: instant('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  revokedAt: instant('revoked_at'),
  revokedBy: text('revoked_by'),
});
