import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { RunInProgressError } from '../../../domain/findings/errors.ts';
import type { RunCounts, RunOutcome, RunRecord, RunStore } from '../../../domain/findings/ports.ts';
import type { Db } from '../open-database.ts';
import { reconciliationRuns } from '../schema/index.ts';

export type { RunCounts, RunRecord };

/** A run still marked running after this long died without saying so (a crash, a kill). */
const ABANDONED_AFTER_MS = 30 * 60 * 1000;

type Row = typeof reconciliationRuns.$inferSelect;

/** A stored run as the API shows it. */
export const runFromRow = (r: Row): RunRecord => ({
  id: r.id,
  trigger: r.trigger,
  actor: r.actor,
  status: r.status,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  durationMs: r.durationMs,
  error: r.error,
  counts: (r.counts as RunCounts | null) ?? null,
  matching: (r.matching as RunRecord['matching']) ?? null,
  phases: r.phases ?? null,
});

/**
 * The record of reconciliation runs, which doubles as the lock that keeps runs one at a time
 * across processes (the server's schedule and a `stocktake-collector reconcile` beside it).
 */
export function createRunsRepository(db: Db): RunStore {
  const get = (id: number): RunRecord | undefined => {
    const row = db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id)).get();
    return row ? runFromRow(row) : undefined;
  };

  return {
    get: async (id) => get(id),

    async start(trigger, actor, now) {
      return db.transaction(
        () => {
          const at = now.toISOString();
          const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_MS).toISOString();
          db.update(reconciliationRuns)
            .set({ status: 'failed', finishedAt: at, error: 'abandoned: still marked running after 30 minutes' })
            .where(and(eq(reconciliationRuns.status, 'running'), lt(reconciliationRuns.startedAt, abandonedBefore)))
            .run();
          const running = db.select().from(reconciliationRuns).where(eq(reconciliationRuns.status, 'running')).get();
          if (running) throw new RunInProgressError(runFromRow(running));
          const row = db
            .insert(reconciliationRuns)
            .values({ trigger, actor, status: 'running', startedAt: at })
            .returning()
            .get();
          return runFromRow(row);
        },
        { behavior: 'immediate' },
      );
    },

    async finish(id: number, outcome: RunOutcome) {
      db.update(reconciliationRuns)
        .set({
          status: outcome.status,
          finishedAt: outcome.finishedAt.toISOString(),
          durationMs: outcome.durationMs,
          error: outcome.error ?? null,
          counts: (outcome.counts as unknown as Record<string, unknown>) ?? null,
          matching: outcome.matching ? { ...outcome.matching } : null,
          phases: outcome.phases ?? null,
        })
        .where(eq(reconciliationRuns.id, id))
        .run();
      const run = get(id);
      if (!run) throw new Error(`run ${id} vanished`);
      return run;
    },

    async latestSucceeded() {
      const row = db
        .select()
        .from(reconciliationRuns)
        .where(eq(reconciliationRuns.status, 'succeeded'))
        .orderBy(desc(reconciliationRuns.id))
        .limit(1)
        .get();
      return row ? runFromRow(row) : undefined;
    },

    async count() {
      return db.select({ n: sql<number>`count(*)` }).from(reconciliationRuns).get()?.n ?? 0;
    },
  };
}
