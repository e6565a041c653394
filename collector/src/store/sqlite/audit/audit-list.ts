import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '@stocktake/shared/api';
import type { AuditRecord } from '../../../domain/audit/ports.ts';
import { enumFilter, exactFilter, likeAny, textFilter, withinDaysFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { auditLog } from '../schema/index.ts';

/** The audit log, newest first by default: filters by entity, actor and action; `q` over ids, actor and context. */
export function createAuditList(db: Db): ListSpec<AuditRecord, AuditRecord> {
  return {
    name: 'audit',
    defaultSort: '-id',
    id: { expr: auditLog.id, type: 'number' },
    sorts: {
      id: { expr: auditLog.id, type: 'number' },
      at: { expr: auditLog.at, type: 'string' },
      actor: { expr: auditLog.actor, type: 'string' },
    },
    filters: {
      entityType: enumFilter(auditLog.entityType, AUDIT_ENTITY_TYPES, 'What changed: asset, license, ...'),
      entityId: exactFilter(auditLog.entityId, 'The id of what changed.', 64),
      actor: textFilter(auditLog.actor, 'Who: a token name, cli:<user>, discovery, reconciliation.', 128),
      action: enumFilter(auditLog.action, AUDIT_ACTIONS, 'create, update, delete, status, link, unlink, revoke.'),
      withinDays: withinDaysFilter(auditLog.at, 'Changes of the last N days.'),
    },
    search: {
      description: 'Entity id, actor or context (an import line, a device) contains the text.',
      where: (pattern) => likeAny([auditLog.entityId, auditLog.actor, auditLog.context], pattern),
    },
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ row: auditLog, ...paging })
        .from(auditLog)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all()
        .map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => rows,
  };
}
