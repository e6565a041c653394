import type { FastifyInstance } from 'fastify';
import { RunInProgressError } from '../domain/findings/errors.ts';
import type { Job } from './scheduler.ts';

/** Actor of the runs the schedule starts. */
export const SCHEDULE_ACTOR = 'schedule';

/**
 * Reconciliation on a cron schedule; a tick that finds a run in progress (an API or CLI run, or
 * another instance's) is skipped. Its log lines name the tick, so that the instances sharing a
 * database can be seen to take each tick once.
 */
export function reconcileJob(schedule: string): Job {
  return {
    name: 'reconcile',
    schedule,
    async run(app: FastifyInstance, scheduledFor: Date) {
      const tick = scheduledFor.toISOString();
      try {
        const run = await app.reconciliation.run({ trigger: 'schedule', actor: SCHEDULE_ACTOR });
        app.log.info(
          { runId: run.id, tick, durationMs: run.durationMs, ...run.counts?.totals },
          'scheduled reconciliation done',
        );
        return run;
      } catch (err) {
        if (err instanceof RunInProgressError) {
          app.log.info({ runId: err.run.id, tick }, 'scheduled reconciliation skipped: a run is in progress');
          return undefined;
        }
        throw err;
      }
    },
  };
}
