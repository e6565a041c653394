import type { AuditAction, AuditEntityType } from '@stocktake/shared/api';
import type { Db } from '../open-database.ts';
import { auditLog } from '../schema/index.ts';

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
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
