import { and, desc, eq } from 'drizzle-orm';
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
  return {
    write(entry: AuditEntry): void {
      db.insert(auditLog)
        .values({ ...auditColumns(entry), at: entry.at.toISOString() })
        .run();
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
