import { canonicalJson } from '@stocktake/shared';
import { eq } from 'drizzle-orm';
import { type PolicyInput, resolvePolicy } from '../../../domain/findings/policies.ts';
import type { PolicyStore, StoredPolicy } from '../../../domain/findings/ports.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { policies } from '../schema/index.ts';

export const RECONCILIATION_POLICY = 'reconciliation';

/** The reconciliation policy document: stored as written, resolved against defaults when read, every change audited. */
export function createPoliciesRepository(db: Db, audit: AuditLog): PolicyStore {
  function current(): StoredPolicy {
    const row = db.select().from(policies).where(eq(policies.name, RECONCILIATION_POLICY)).get();
    const document = (row?.document ?? {}) as PolicyInput;
    return {
      document,
      policy: resolvePolicy(document),
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  }

  return {
    current: async () => current(),

    async replace(document, actor, context, now = new Date()) {
      return db.transaction(() => {
        const before = db.select().from(policies).where(eq(policies.name, RECONCILIATION_POLICY)).get();
        if (before && canonicalJson(before.document) === canonicalJson(document)) return current();
        const at = now.toISOString();
        db.insert(policies)
          .values({ name: RECONCILIATION_POLICY, document, updatedAt: at, updatedBy: actor })
          .onConflictDoUpdate({ target: policies.name, set: { document, updatedAt: at, updatedBy: actor } })
          .run();
        audit.write({
          at: now,
          actor,
          entityType: 'policy',
          entityId: RECONCILIATION_POLICY,
          action: before ? 'update' : 'create',
          before: before?.document ?? null,
          after: document,
          ...(context ? { context } : {}),
        });
        return current();
      });
    },
  };
}
