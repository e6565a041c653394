import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '@stocktake/shared/api';
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * Every change to the register, append-only: who, when, what it was before and after (JSON
 * of the changed fields), and through what (an import line, discovery from a device).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: instant('at').notNull(),
    actor: text('actor').notNull(),
    entityType: text('entity_type', { enum: AUDIT_ENTITY_TYPES }).notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    context: text('context'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId, t.id)],
);
