import { canonicalJson } from '@stocktake/shared';
import { eq } from 'drizzle-orm';
import { type PolicyInput, resolvePolicy } from '../../../domain/findings/policies.ts';
import type { PolicyStore, StoredPolicy } from '../../../domain/findings/ports.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import type { Db, Executor } from '../connection.ts';
import { policies } from '../schema/index.ts';

export const RECONCILIATION_POLICY = 'reconciliation';

type Row = typeof policies.$inferSelect;

const storedPolicy = (row: Row | undefined): StoredPolicy => {
  const document = (row?.document ?? {}) as PolicyInput;
  return {
    document,
    policy: resolvePolicy(document),
    updatedAt: row ? row.updatedAt.toISOString() : null,
    updatedBy: row?.updatedBy ?? null,
  };
};

async function read(tx: Executor, lock = false): Promise<Row | undefined> {
  const query = tx.select().from(policies).where(eq(policies.name, RECONCILIATION_POLICY));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** The reconciliation policy document on PostgreSQL: resolved against defaults when read, every change audited. */
export function createPoliciesRepository(db: Db): PolicyStore {
  return {
    current: async () => storedPolicy(await read(db)),

    async replace(document, actor, context, now = new Date()) {
      return db.transaction(async (tx) => {
        const before = await read(tx, true);
        if (before && canonicalJson(before.document) === canonicalJson(document)) return storedPolicy(before);
        const [row] = await tx
          .insert(policies)
          .values({ name: RECONCILIATION_POLICY, document, updatedAt: now, updatedBy: actor })
          .onConflictDoUpdate({ target: policies.name, set: { document, updatedAt: now, updatedBy: actor } })
          .returning();
        await writeAudit(tx, {
          at: now,
          actor,
          entityType: 'policy',
          entityId: RECONCILIATION_POLICY,
          action: before ? 'update' : 'create',
          before: before?.document ?? null,
          after: document,
          ...(context ? { context } : {}),
        });
        return storedPolicy(row);
      });
    },
  };
}
