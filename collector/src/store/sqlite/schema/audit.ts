import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '@stocktake/shared/api';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every change to the register, append-only: who, when, what it was before and after (JSON
 * of the changed fields), and through what (an import line, discovery from a device).
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    entityType: text('entity_type', { enum: AUDIT_ENTITY_TYPES }).notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    context: text('context'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId, t.id)],
);
