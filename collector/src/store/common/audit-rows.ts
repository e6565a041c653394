import type { AuditEntry } from '../../domain/audit/ports.ts';

/** The columns an audit entry is stored in, whatever the engine (which keeps `at` as it keeps instants). */
export function auditColumns(entry: AuditEntry) {
  return {
    at: entry.at,
    actor: entry.actor,
    entityType: entry.entityType,
    entityId: entry.entityId,
    action: entry.action,
    before: entry.before ?? null,
    after: entry.after ?? null,
    context: entry.context ?? null,
  };
}
