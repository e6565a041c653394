import { and, desc, eq, sql } from 'drizzle-orm';
import type { AuditEntry, AuditRecord, AuditTrail } from '../../../domain/audit/ports.ts';
import { auditColumns } from '../../common/audit-rows.ts';
import type { Db } from '../open-database.ts';
import { auditLog } from '../schema/index.ts';

export type { AuditEntry, AuditRecord } from '../../../domain/audit/ports.ts';

/**
 * The append-only audit log of register changes, for the store's own writers: it runs inside
 * the caller's transaction, so a change and its entry land together.
 */
export function createAuditLog(db: Db) {
  // Prepared once: every asset an import writes adds an entry, and building the insert anew
  // cost more than running it. The JSON columns take their text as given, so that an absent
  // before or after stays NULL, as drizzle writes it.
  const raw = (name: string) => sql`${sql.placeholder(name)}`;
  const insert = db
    .insert(auditLog)
    .values({
      at: raw('at'),
      actor: raw('actor'),
      entityType: raw('entityType'),
      entityId: raw('entityId'),
      action: raw('action'),
      before: raw('before'),
      after: raw('after'),
      context: raw('context'),
    })
    .prepare();
  const asJson = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return {
    write(entry: AuditEntry): void {
      const columns = auditColumns(entry);
      insert.run({
        ...columns,
        at: entry.at.toISOString(),
        before: asJson(columns.before),
        after: asJson(columns.after),
      });
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** The audit trail port on SQLite. */
export function createAuditTrail(db: Db): AuditTrail {
  const log = createAuditLog(db);
  return {
    record: async (entry) => log.write(entry),
    async history(entityType, entityId, limit = 100): Promise<AuditRecord[]> {
      return db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
        .orderBy(desc(auditLog.id))
        .limit(limit)
        .all();
    },
  };
}
