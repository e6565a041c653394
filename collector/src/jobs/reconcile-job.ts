import type { FastifyInstance } from 'fastify';
import { RunInProgressError } from '../domain/findings/errors.ts';
import type { Job } from './scheduler.ts';

/** Actor of the runs the schedule starts. */
export const SCHEDULE_ACTOR = 'schedule';

/** Reconciliation on a cron schedule; a tick that finds a run in progress (an API or CLI run) is skipped. */
export function reconcileJob(schedule: string): Job {
  return {
    name: 'reconcile',
    schedule,
    async run(app: FastifyInstance) {
      try {
        const run = await app.reconciliation.run({ trigger: 'schedule', actor: SCHEDULE_ACTOR });
        app.log.info(
          { runId: run.id, durationMs: run.durationMs, ...run.counts?.totals },
          'scheduled reconciliation done',
        );
        return run;
      } catch (err) {
        if (err instanceof RunInProgressError) {
          app.log.info({ runId: err.run.id }, 'scheduled reconciliation skipped: a run is in progress');
          return undefined;
        }
        throw err;
      }
    },
  };
}
