import { and, asc, eq, sql } from 'drizzle-orm';
import type { EnrolmentBlock, EnrolmentBlockCreate, EnrolmentBlocks } from '../../../domain/access/ports.ts';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { serialKey } from '../../../domain/matching/identifiers.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { devices, enrolmentBlocks } from '../schema/index.ts';

const columns = {
  id: enrolmentBlocks.id,
  kind: enrolmentBlocks.kind,
  value: enrolmentBlocks.value,
  createdAt: enrolmentBlocks.createdAt,
  createdBy: enrolmentBlocks.createdBy,
};

/**
 * The rows of enrolment blocks, for the store's own writers (an agent's revocation blocks its
 * device in the same transaction) and for ingest's resolution, which reads them synchronously.
 */
export function createEnrolmentBlockRows(db: Db, audit: AuditLog) {
  const find = db
    .select(columns)
    .from(enrolmentBlocks)
    .where(and(eq(enrolmentBlocks.kind, sql.placeholder('kind')), eq(enrolmentBlocks.value, sql.placeholder('value'))))
    .prepare();

  return {
    /** Whether this device, or this serial key, is blocked. */
    has(kind: EnrolmentBlock['kind'], value: string): boolean {
      return find.get({ kind, value }) !== undefined;
    },

    /** Blocks `value` as given (a device id, or a serial key), audited; the block in force when there is one. */
    insert(block: EnrolmentBlockCreate, actor: string, now: Date, context?: string): EnrolmentBlock {
      const existing = find.get(block);
      if (existing) return existing;
      const row = db
        .insert(enrolmentBlocks)
        .values({ ...block, createdAt: now.toISOString(), createdBy: actor })
        .returning(columns)
        .get();
      audit.write({
        at: now,
        actor,
        entityType: 'enrolment_block',
        entityId: String(row.id),
        action: 'block',
        after: { kind: row.kind, value: row.value },
        ...(context ? { context } : {}),
      });
      return row;
    },
  };
}

export type EnrolmentBlockRows = ReturnType<typeof createEnrolmentBlockRows>;

/** The EnrolmentBlocks port over SQLite. */
export function createEnrolmentBlocksRepository(db: Db, audit: AuditLog, rows: EnrolmentBlockRows): EnrolmentBlocks {
  /** The value a block stores: a known device's id, or a serial as matching compares it. */
  function blockedValue(input: EnrolmentBlockCreate): string {
    if (input.kind === 'device') {
      const known = db.select({ id: devices.id }).from(devices).where(eq(devices.id, input.value)).get();
      if (!known) throw new NotFoundError(`No device ${input.value}`);
      return known.id;
    }
    const key = serialKey(input.value);
    if (!key) {
      const message = 'identifies no machine (empty, or a placeholder firmware writes)';
      throw new ValidationError(`Serial "${input.value}" ${message}`, [{ field: 'value', message }]);
    }
    return key;
  }

  return {
    async list() {
      return db.select(columns).from(enrolmentBlocks).orderBy(asc(enrolmentBlocks.id)).all();
    },

    async block(input, actor, now = new Date()) {
      return db.transaction(() => rows.insert({ kind: input.kind, value: blockedValue(input) }, actor, now));
    },

    async allow(id, actor, now = new Date()) {
      return db.transaction(() => {
        const row = db.select(columns).from(enrolmentBlocks).where(eq(enrolmentBlocks.id, id)).get();
        if (!row) throw new NotFoundError(`No enrolment block ${id}`);
        db.delete(enrolmentBlocks).where(eq(enrolmentBlocks.id, id)).run();
        audit.write({
          at: now,
          actor,
          entityType: 'enrolment_block',
          entityId: String(id),
          action: 'allow',
          before: { kind: row.kind, value: row.value },
        });
        return row;
      });
    },
  };
}
