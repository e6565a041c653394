import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type RunCoordinator, type ScheduledTask, schedule } from 'node-cron';
import type { JobLeases } from '../domain/cluster/ports.ts';

/** Work the collector does on a clock: `schedule` is a cron expression (node-cron, minutes first). */
export interface Job {
  name: string;
  schedule: string;
  /** One tick's work; `tick` is the time it was scheduled for. */
  run(app: FastifyInstance, tick: Date): Promise<unknown>;
}

export interface SchedulerOptions {
  jobs: Job[];
  /**
   * Where the instances sharing the database claim each tick, and this instance's name: every
   * instance schedules the jobs, and each tick runs on the one whose claim wins.
   */
  cluster?: { leases: JobLeases; holder: string };
}

/**
 * node-cron's run coordinator over the job leases. node-cron asks it before each tick with the
 * key `<task name>:<the tick's scheduled time, ISO>`, the same on every instance; a claim that
 * fails (the database out of reach) skips the tick here, and another instance may run it.
 */
export function leaseCoordinator(leases: JobLeases, holder: string): RunCoordinator {
  return {
    shouldRun(key) {
      const at = key.indexOf(':');
      const tick = new Date(key.slice(at + 1));
      if (at <= 0 || Number.isNaN(tick.getTime())) throw new Error(`not a job tick: ${key}`);
      return leases.claimTick(key.slice(0, at), tick, holder);
    },
  };
}

/**
 * Runs jobs on their cron schedules once the app is ready, never two runs of one job at once
 * (a tick that comes while the previous run is still going is skipped), and, with `cluster`,
 * each tick on one instance of those sharing the database. Stops them on close. A job's
 * failure is logged; the schedule goes on.
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
    const coordinator = opts.cluster ? leaseCoordinator(opts.cluster.leases, opts.cluster.holder) : undefined;
    app.addHook('onReady', async () => {
      for (const job of opts.jobs) {
        const task = schedule(
          job.schedule,
          async (context) => {
            const started = Date.now();
            try {
              await job.run(app, context.date);
              app.log.debug({ job: job.name, ms: Date.now() - started }, 'scheduled job done');
            } catch (err) {
              app.log.error({ err, job: job.name }, 'scheduled job failed');
            }
          },
          {
            name: job.name,
            noOverlap: true,
            logger,
            ...(coordinator ? { distributed: true, runCoordinator: coordinator } : {}),
          },
        );
        task.on('execution:skipped', (context) => {
          if (context.reason === 'not-elected') {
            app.log.debug({ job: job.name, tick: context.date.toISOString() }, 'tick run by another instance');
          } else {
            app.log.warn(
              { job: job.name, tick: context.date.toISOString(), err: context.error },
              'tick not claimed: skipped',
            );
          }
        });
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
