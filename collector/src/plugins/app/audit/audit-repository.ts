import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open-database.ts';
import { type AuditAction, type AuditEntityType, auditLog } from '../../../db/schema/index.ts';

export interface AuditEntry {
  actor: string;
  entityType: AuditEntityType;
  entityId: string;
  action: AuditAction;
  before?: unknown;
  after?: unknown;
  context?: string;
  at: Date;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  entityType: AuditEntityType;
  entityId: string;
  action: AuditAction;
  before: unknown;
  after: unknown;
  context: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Entries older than this id (the previous page's cursor). */
  before?: number;
  entityType?: AuditEntityType;
  entityId?: string;
  actor?: string;
}

/** The append-only audit log of register changes. Writers run inside the caller's transaction. */
export function createAuditLog(db: Db) {
  return {
    write(entry: AuditEntry): void {
      db.insert(auditLog)
        .values({
          at: entry.at.toISOString(),
          actor: entry.actor,
          entityType: entry.entityType,
          entityId: entry.entityId,
          action: entry.action,
          before: entry.before ?? null,
          after: entry.after ?? null,
          context: entry.context ?? null,
        })
        .run();
    },

    /** Newest first. */
    list(query: AuditQuery): { items: AuditRecord[]; nextCursor: string | null } {
      const conditions: SQL[] = [];
      if (query.before !== undefined) conditions.push(lt(auditLog.id, query.before));
      if (query.entityType) conditions.push(eq(auditLog.entityType, query.entityType));
      if (query.entityId) conditions.push(eq(auditLog.entityId, query.entityId));
      if (query.actor) conditions.push(eq(auditLog.actor, query.actor));
      const rows = db
        .select()
        .from(auditLog)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(query.limit + 1)
        .all();
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
