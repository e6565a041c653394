import { RUN_LIST } from '@stocktake/shared/api';
import type { RunRecord } from '../../../domain/findings/ports.ts';
import { equalFilter, textFilter, withinDaysFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { reconciliationRuns } from '../schema/index.ts';
import { runFromRow } from './runs-repository.ts';

type RunRow = typeof reconciliationRuns.$inferSelect;

/** Reconciliation runs, newest first; by status, trigger and who started them. */
export function createRunList(db: Db): ListSpec<RunRow, RunRecord, typeof RUN_LIST> {
  return {
    list: RUN_LIST,
    id: { expr: reconciliationRuns.id, type: 'number' },
    sorts: {
      id: { expr: reconciliationRuns.id, type: 'number' },
      startedAt: { expr: reconciliationRuns.startedAt, type: 'string' },
      durationMs: { expr: reconciliationRuns.durationMs, type: 'number' },
    },
    filters: {
      status: equalFilter(reconciliationRuns.status),
      trigger: equalFilter(reconciliationRuns.trigger),
      actor: textFilter(reconciliationRuns.actor),
      withinDays: withinDaysFilter(reconciliationRuns.startedAt),
    },
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ row: reconciliationRuns, ...paging })
        .from(reconciliationRuns)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all()
        .map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => rows.map(runFromRow),
  };
}
