import { AUDIT_LIST } from '@stocktake/shared/api';
import type { AuditRecord } from '../../../domain/audit/ports.ts';
import { equalFilter, likeAny, textFilter, withinDaysFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { auditLog } from '../schema/index.ts';

/** The audit log, newest first by default: filters by entity, actor and action; `q` over ids, actor and context. */
export function createAuditList(db: Db): ListSpec<AuditRecord, AuditRecord, typeof AUDIT_LIST> {
  return {
    list: AUDIT_LIST,
    id: { expr: auditLog.id, type: 'number' },
    sorts: {
      id: { expr: auditLog.id, type: 'number' },
      at: { expr: auditLog.at, type: 'string' },
      actor: { expr: auditLog.actor, type: 'string' },
    },
    filters: {
      entityType: equalFilter(auditLog.entityType),
      entityId: equalFilter(auditLog.entityId),
      actor: textFilter(auditLog.actor),
      action: equalFilter(auditLog.action),
      withinDays: withinDaysFilter(auditLog.at),
    },
    search: (pattern) => likeAny([auditLog.entityId, auditLog.actor, auditLog.context], pattern),
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
