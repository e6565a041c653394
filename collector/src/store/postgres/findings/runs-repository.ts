import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import { RunInProgressError } from '../../../domain/findings/errors.ts';
import type { RunCounts, RunOutcome, RunRecord, RunStore } from '../../../domain/findings/ports.ts';
import type { Db } from '../connection.ts';
import { reconciliationRuns } from '../schema/index.ts';

/** A run still marked running after this long died without saying so (a crash, a kill). */
const ABANDONED_AFTER_MS = 30 * 60 * 1000;

/**
 * Any fixed number: the transaction-level advisory lock taken while a run starts, so that two
 * collector instances over one database cannot both find no run in progress and both start one.
 */
const RUN_START_LOCK = 0x5374_6b52;

type Row = typeof reconciliationRuns.$inferSelect;

/** A stored run as the API shows it. */
export const runFromRow = (r: Row): RunRecord => ({
  id: r.id,
  trigger: r.trigger,
  actor: r.actor,
  status: r.status,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  durationMs: r.durationMs,
  error: r.error,
  counts: (r.counts as RunCounts | null) ?? null,
  matching: (r.matching as RunRecord['matching']) ?? null,
  phases: r.phases ?? null,
});

/**
 * The record of reconciliation runs on PostgreSQL, which doubles as the lock that keeps runs one
 * at a time across processes and collector instances.
 */
export function createRunsRepository(db: Db): RunStore {
  const get = async (id: number): Promise<RunRecord | undefined> => {
    const [row] = await db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id));
    return row ? runFromRow(row) : undefined;
  };

  return {
    get,

    async start(trigger, actor, now) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${RUN_START_LOCK})`);
        const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_MS);
        await tx
          .update(reconciliationRuns)
          .set({ status: 'failed', finishedAt: now, error: 'abandoned: still marked running after 30 minutes' })
          .where(and(eq(reconciliationRuns.status, 'running'), lt(reconciliationRuns.startedAt, abandonedBefore)));
        const [running] = await tx.select().from(reconciliationRuns).where(eq(reconciliationRuns.status, 'running'));
        if (running) throw new RunInProgressError(runFromRow(running));
        const [row] = await tx
          .insert(reconciliationRuns)
          .values({ trigger, actor, status: 'running', startedAt: now })
          .returning();
        if (!row) throw new Error('the new run was not returned');
        return runFromRow(row);
      });
    },

    async finish(id: number, outcome: RunOutcome) {
      const [row] = await db
        .update(reconciliationRuns)
        .set({
          status: outcome.status,
          finishedAt: outcome.finishedAt,
          durationMs: outcome.durationMs,
          error: outcome.error ?? null,
          counts: (outcome.counts as unknown as Record<string, unknown>) ?? null,
          matching: outcome.matching ? { ...outcome.matching } : null,
          phases: outcome.phases ?? null,
        })
        .where(eq(reconciliationRuns.id, id))
        .returning();
      if (!row) throw new Error(`run ${id} vanished`);
      return runFromRow(row);
    },

    async latestSucceeded() {
      const [row] = await db
        .select()
        .from(reconciliationRuns)
        .where(eq(reconciliationRuns.status, 'succeeded'))
        .orderBy(desc(reconciliationRuns.id))
        .limit(1);
      return row ? runFromRow(row) : undefined;
    },

    async count() {
      const [row] = await db.select({ n: count() }).from(reconciliationRuns);
      return row?.n ?? 0;
    },
  };
}
