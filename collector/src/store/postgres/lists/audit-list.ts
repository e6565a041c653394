import { AUDIT_LIST } from '@stocktake/shared/api';
import type { AuditRecord } from '../../../domain/audit/ports.ts';
import type { Db } from '../connection.ts';
import { auditLog } from '../schema/index.ts';
import { equalFilter, likeAny, textFilter, withinDaysFilter } from './filters.ts';
import type { ListSpec } from './list-query.ts';

type AuditRow = typeof auditLog.$inferSelect;

/** The audit log, newest first by default: filters by entity, actor and action; `q` over ids, actor and context. */
export function createAuditList(db: Db): ListSpec<AuditRow, AuditRecord, typeof AUDIT_LIST> {
  return {
    list: AUDIT_LIST,
    id: { expr: auditLog.id, type: 'number' },
    sorts: {
      id: { expr: auditLog.id, type: 'number', notNull: true },
      at: { expr: auditLog.at, type: 'instant', notNull: true },
      actor: { expr: auditLog.actor, type: 'string', notNull: true },
    },
    filters: {
      entityType: equalFilter(auditLog.entityType),
      entityId: equalFilter(auditLog.entityId),
      actor: textFilter(auditLog.actor),
      action: equalFilter(auditLog.action),
      withinDays: withinDaysFilter(auditLog.at),
    },
    search: (pattern) => likeAny([auditLog.entityId, auditLog.actor, auditLog.context], pattern),
    fetch: async ({ where, orderBy, limit, paging }) =>
      (
        await db
          .select({ row: auditLog, ...paging })
          .from(auditLog)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit)
      ).map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => rows.map((r) => ({ ...r, at: r.at.toISOString() })),
  };
}
