import { RUN_LIST } from '@stocktake/shared/api';
import type { RunRecord } from '../../../domain/findings/ports.ts';
import type { Db } from '../connection.ts';
import { runFromRow } from '../findings/runs-repository.ts';
import { reconciliationRuns } from '../schema/index.ts';
import { equalFilter, textFilter, withinDaysFilter } from './filters.ts';
import type { ListSpec } from './list-query.ts';

type RunRow = typeof reconciliationRuns.$inferSelect;

/** Reconciliation runs, newest first; by status, trigger and who started them. */
export function createRunList(db: Db): ListSpec<RunRow, RunRecord, typeof RUN_LIST> {
  return {
    list: RUN_LIST,
    id: { expr: reconciliationRuns.id, type: 'number' },
    sorts: {
      id: { expr: reconciliationRuns.id, type: 'number', notNull: true },
      startedAt: { expr: reconciliationRuns.startedAt, type: 'instant', notNull: true },
      durationMs: { expr: reconciliationRuns.durationMs, type: 'number' },
    },
    filters: {
      status: equalFilter(reconciliationRuns.status),
      trigger: equalFilter(reconciliationRuns.trigger),
      actor: textFilter(reconciliationRuns.actor),
      withinDays: withinDaysFilter(reconciliationRuns.startedAt),
    },
    fetch: async ({ where, orderBy, limit, paging }) =>
      (
        await db
          .select({ row: reconciliationRuns, ...paging })
          .from(reconciliationRuns)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit)
      ).map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => rows.map(runFromRow),
  };
}
