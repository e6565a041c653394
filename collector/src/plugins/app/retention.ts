import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface RetentionOptions {
  /** Raw snapshots older than this are pruned (each device's latest is always kept). */
  snapshotRetentionDays: number;
  /** How often to prune; 0 disables the schedule (tests, the command line). */
  intervalMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Prunes raw snapshots past the retention window shortly after start and then on a schedule,
 * one small batch per event-loop turn so ingest keeps flowing while a backlog is worked off.
 */
export default fp<RetentionOptions>(
  async (app: FastifyInstance, opts) => {
    if (opts.intervalMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const run = () => {
      const cutoff = new Date(Date.now() - opts.snapshotRetentionDays * DAY_MS);
      const totals = { snapshots: 0, sections: 0 };
      const step = () => {
        if (stopped) return;
        try {
          const r = app.snapshotStore.pruneBatch(cutoff);
          totals.snapshots += r.snapshots;
          totals.sections += r.sections;
          if (r.more) {
            setImmediate(step);
            return;
          }
          if (totals.snapshots > 0) app.log.info({ ...totals, cutoff: cutoff.toISOString() }, 'pruned raw snapshots');
        } catch (err) {
          app.log.error({ err }, 'pruning raw snapshots failed');
        }
        timer = setTimeout(run, opts.intervalMs);
        timer.unref();
      };
      step();
    };
    app.addHook('onReady', async () => {
      timer = setTimeout(run, Math.min(opts.intervalMs, 60_000));
      timer.unref();
    });
    app.addHook('onClose', async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    });
  },
  { name: 'retention', dependencies: ['services'] },
);
