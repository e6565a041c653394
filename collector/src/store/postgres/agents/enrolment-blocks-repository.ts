import { and, asc, eq } from 'drizzle-orm';
import type { EnrolmentBlock, EnrolmentBlockCreate, EnrolmentBlocks } from '../../../domain/access/ports.ts';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { serialKey } from '../../../domain/matching/identifiers.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import type { Db, Executor } from '../connection.ts';
import { devices, enrolmentBlocks } from '../schema/index.ts';

const columns = {
  id: enrolmentBlocks.id,
  kind: enrolmentBlocks.kind,
  value: enrolmentBlocks.value,
  createdAt: enrolmentBlocks.createdAt,
  createdBy: enrolmentBlocks.createdBy,
};

type Row = { [K in keyof typeof columns]: (typeof enrolmentBlocks.$inferSelect)[K] };

const toBlock = (r: Row): EnrolmentBlock => ({ ...r, createdAt: r.createdAt.toISOString() });

/** Whether this device, or this serial key, is blocked: ingest asks for every new device. */
export async function isBlocked(tx: Executor, kind: EnrolmentBlock['kind'], value: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: enrolmentBlocks.id })
    .from(enrolmentBlocks)
    .where(and(eq(enrolmentBlocks.kind, kind), eq(enrolmentBlocks.value, value)));
  return row !== undefined;
}

/**
 * Blocks `value` as given (a device id, or a serial key), audited, in the caller's transaction
 * (an agent's revocation blocks its device with it); the block in force when there is one. Two
 * blocks of one value at once: the unique (kind, value) index keeps one, and the other reads it.
 */
export async function insertBlock(
  tx: Executor,
  block: EnrolmentBlockCreate,
  actor: string,
  now: Date,
  context?: string,
): Promise<EnrolmentBlock> {
  const [row] = await tx
    .insert(enrolmentBlocks)
    .values({ ...block, createdAt: now, createdBy: actor })
    .onConflictDoNothing({ target: [enrolmentBlocks.kind, enrolmentBlocks.value] })
    .returning(columns);
  if (!row) {
    const [existing] = await tx
      .select(columns)
      .from(enrolmentBlocks)
      .where(and(eq(enrolmentBlocks.kind, block.kind), eq(enrolmentBlocks.value, block.value)));
    if (!existing) throw new Error(`the block of ${block.kind} ${block.value} vanished while being written`);
    return toBlock(existing);
  }
  await writeAudit(tx, {
    at: now,
    actor,
    entityType: 'enrolment_block',
    entityId: String(row.id),
    action: 'block',
    after: { kind: row.kind, value: row.value },
    ...(context ? { context } : {}),
  });
  return toBlock(row);
}

/** The EnrolmentBlocks port over PostgreSQL. */
export function createEnrolmentBlocksRepository(db: Db): EnrolmentBlocks {
  /** The value a block stores: a known device's id, or a serial as matching compares it. */
  async function blockedValue(tx: Executor, input: EnrolmentBlockCreate): Promise<string> {
    if (input.kind === 'device') {
      const [known] = await tx.select({ id: devices.id }).from(devices).where(eq(devices.id, input.value));
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
      const rows = await db.select(columns).from(enrolmentBlocks).orderBy(asc(enrolmentBlocks.id));
      return rows.map(toBlock);
    },

    async block(input, actor, now = new Date()) {
      return db.transaction(async (tx) =>
        insertBlock(tx, { kind: input.kind, value: await blockedValue(tx, input) }, actor, now),
      );
    },

    async allow(id, actor, now = new Date()) {
      return db.transaction(async (tx) => {
        const [row] = await tx.delete(enrolmentBlocks).where(eq(enrolmentBlocks.id, id)).returning(columns);
        if (!row) throw new NotFoundError(`No enrolment block ${id}`);
        await writeAudit(tx, {
          at: now,
          actor,
          entityType: 'enrolment_block',
          entityId: String(id),
          action: 'allow',
          before: { kind: row.kind, value: row.value },
        });
        return toBlock(row);
      });
    },
  };
}
