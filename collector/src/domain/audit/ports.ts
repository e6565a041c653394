import type { AuditAction, AuditEntityType } from '@stocktake/shared/api';

/** One change to record: who did what to which entity, with the values before and after. */
export interface AuditEntry {
  actor: string;
  entityType: AuditEntityType;
  entityId: string;
  action: AuditAction;
  before?: unknown;
  after?: unknown;
  /** Where the change came from (an import line, a CLI run). */
  context?: string;
  at: Date;
}

/** An entry as the trail keeps it. */
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

/**
 * The append-only audit trail. Writes of the register and the license book record their own
 * entries in the same transaction as the change (their ports take the entries); this port
 * records entries that stand alone and reads the trail back.
 */
export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  /** The entries of one entity, newest first. */
  history(entityType: AuditEntityType, entityId: string, limit?: number): Promise<AuditRecord[]>;
}

/** Who makes a write, when, and from where: what its audit entry says besides the change. */
export interface WriteContext {
  actor: string;
  now?: Date;
  /** Where the change came from, kept in the audit log (an import line, a CLI run). */
  context?: string;
}
