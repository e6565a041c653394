import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ScheduledTask, schedule } from 'node-cron';

/** Work the collector does on a clock: `schedule` is a cron expression (node-cron, minutes first). */
export interface Job {
  name: string;
  schedule: string;
  run(app: FastifyInstance): Promise<unknown>;
}

export interface SchedulerOptions {
  jobs: Job[];
}

/**
 * Runs jobs on their cron schedules once the app is ready, never two runs of one job at once
 * (a tick that comes while the previous run is still going is skipped), and stops them on
 * close. A job's failure is logged; the schedule goes on.
 */
export default fp<SchedulerOptions>(
  async (app, opts) => {
    const tasks: ScheduledTask[] = [];
    const logger = {
      info: (message: string) => app.log.debug({ scheduler: 'node-cron' }, message),
      warn: (message: string) => app.log.warn({ scheduler: 'node-cron' }, message),
      error: (message: string | Error, err?: Error) =>
        app.log.error({ scheduler: 'node-cron', err: err ?? message }, String(message)),
      debug: (message: string | Error) => app.log.trace({ scheduler: 'node-cron' }, String(message)),
    };
    app.addHook('onReady', async () => {
      for (const job of opts.jobs) {
        const task = schedule(
          job.schedule,
          async () => {
            const started = Date.now();
            try {
              await job.run(app);
              app.log.debug({ job: job.name, ms: Date.now() - started }, 'scheduled job done');
            } catch (err) {
              app.log.error({ err, job: job.name }, 'scheduled job failed');
            }
          },
          { name: job.name, noOverlap: true, logger },
        );
        tasks.push(task);
        app.log.info(
          { job: job.name, schedule: job.schedule, next: task.getNextRun()?.toISOString() },
          'job scheduled',
        );
      }
    });
    app.addHook('onClose', async () => {
      for (const task of tasks) await task.destroy();
    });
  },
  { name: 'jobs' },
);
