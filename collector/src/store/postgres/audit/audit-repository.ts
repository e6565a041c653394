import { and, desc, eq, sql } from 'drizzle-orm';
import type { AuditEntry, AuditRecord, AuditTrail } from '../../../domain/audit/ports.ts';
import { auditColumns } from '../../common/audit-rows.ts';
import type { Db, Executor } from '../connection.ts';
import { auditLog } from '../schema/index.ts';

/**
 * The append-only audit log of register changes, for the store's own writers: they hand it
 * their transaction, so a change and its entry land together or not at all.
 */
export async function writeAudit(tx: Executor, entry: AuditEntry): Promise<void> {
  await writeAudits(tx, [entry]);
}

/** Several entries, a statement per thousand, in the order given (their ids follow it). */
export async function writeAudits(tx: Executor, entries: readonly AuditEntry[]): Promise<void> {
  // A statement binds at most 65,535 parameters; a full matching pass may audit every device.
  for (let i = 0; i < entries.length; i += 1000) {
    await tx.insert(auditLog).values(entries.slice(i, i + 1000).map(auditColumns));
  }
}

const byEntity = (db: Db) =>
  db
    .select()
    .from(auditLog)
    .where(
      and(eq(auditLog.entityType, sql.placeholder('entityType')), eq(auditLog.entityId, sql.placeholder('entityId'))),
    )
    .orderBy(desc(auditLog.id))
    .limit(sql.placeholder('limit'))
    .prepare('audit_history');

/** The audit trail port on PostgreSQL. */
export function createAuditTrail(db: Db): AuditTrail {
  const history = byEntity(db);
  return {
    record: (entry) => writeAudit(db, entry),
    async history(entityType, entityId, limit = 100): Promise<AuditRecord[]> {
      const rows = await history.execute({ entityType, entityId, limit });
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    },
  };
}
