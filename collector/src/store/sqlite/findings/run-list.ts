import { RUN_STATUSES, RUN_TRIGGERS } from '@stocktake/shared/api';
import type { RunRecord } from '../../../domain/findings/ports.ts';
import { enumFilter, textFilter, withinDaysFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { reconciliationRuns } from '../schema/index.ts';
import { runFromRow } from './runs-repository.ts';

type RunRow = typeof reconciliationRuns.$inferSelect;

/** Reconciliation runs, newest first; by status, trigger and who started them. */
export function createRunList(db: Db): ListSpec<RunRow, RunRecord> {
  return {
    name: 'reconciliations',
    defaultSort: '-id',
    id: { expr: reconciliationRuns.id, type: 'number' },
    sorts: {
      id: { expr: reconciliationRuns.id, type: 'number' },
      startedAt: { expr: reconciliationRuns.startedAt, type: 'string' },
      durationMs: { expr: reconciliationRuns.durationMs, type: 'number' },
    },
    filters: {
      status: enumFilter(reconciliationRuns.status, RUN_STATUSES, 'running, succeeded or failed.'),
      trigger: enumFilter(reconciliationRuns.trigger, RUN_TRIGGERS, 'schedule, api or cli.'),
      actor: textFilter(reconciliationRuns.actor, 'Who started it: a token name, cli:<user>, schedule.'),
      withinDays: withinDaysFilter(reconciliationRuns.startedAt, 'Runs started in the last N days.'),
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
