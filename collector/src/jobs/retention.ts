import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface RetentionOptions {
  /** Raw snapshots older than this are pruned (each device's latest is always kept). */
  snapshotRetentionDays: number;
  /** Past this age a snapshot repeating its device's previous one of the day is deleted (0: never). */
  snapshotThinAfterHours: number;
  /** How often to prune; 0 disables the schedule (tests, the command line). */
  intervalMs: number;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Prunes raw snapshots past the retention window, then thins repeats (snapshotStore.thinBatch),
 * shortly after start and then on a schedule. Each step is one small batch per event-loop turn,
 * so ingest keeps flowing while a backlog is worked off.
 */
export default fp<RetentionOptions>(
  async (app: FastifyInstance, opts) => {
    if (opts.intervalMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const store = app.snapshotStore;

    const schedule = () => {
      timer = setTimeout(run, opts.intervalMs);
      timer.unref();
    };

    const run = () => {
      const cutoff = new Date(Date.now() - opts.snapshotRetentionDays * DAY_MS);
      const thinCutoff = new Date(Date.now() - opts.snapshotThinAfterHours * HOUR_MS);
      const pruned = { snapshots: 0, sections: 0 };
      let thinned = 0;
      let afterKey: number | undefined;

      const thin = () => {
        if (stopped) return;
        try {
          const r = store.thinBatch(thinCutoff, afterKey);
          thinned += r.snapshots;
          if (r.lastKey !== undefined) {
            afterKey = r.lastKey;
            setImmediate(thin);
            return;
          }
          if (thinned > 0) {
            app.log.info({ snapshots: thinned, cutoff: thinCutoff.toISOString() }, 'thinned repeated snapshots');
          }
        } catch (err) {
          app.log.error({ err }, 'thinning raw snapshots failed');
        }
        schedule();
      };

      const prune = () => {
        if (stopped) return;
        try {
          const r = store.pruneBatch(cutoff);
          pruned.snapshots += r.snapshots;
          pruned.sections += r.sections;
          if (r.more) {
            setImmediate(prune);
            return;
          }
          if (pruned.snapshots > 0) app.log.info({ ...pruned, cutoff: cutoff.toISOString() }, 'pruned raw snapshots');
        } catch (err) {
          app.log.error({ err }, 'pruning raw snapshots failed');
        }
        if (opts.snapshotThinAfterHours > 0) thin();
        else schedule();
      };
      prune();
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
