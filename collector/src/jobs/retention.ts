import type { JobLeases } from '../domain/cluster/ports.ts';
import type { SnapshotArchive } from '../domain/inventory/ports.ts';
import { CATCH_UP_WAIT_MS, type WriteBacklog } from '../domain/ports.ts';
/** What retention needs of the raw snapshot archive: one bounded batch per call. */
export type SnapshotPruning = Pick<SnapshotArchive, 'pruneBatch' | 'thinBatch'>;

/** Where the job reports what it did and what failed (pino's shape). */
export interface JobLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RetentionOptions {
  /** Raw snapshots older than this are pruned (each device's latest is always kept). */
  snapshotRetentionDays: number;
  /** Past this age a snapshot repeating its device's previous one of the day is deleted (0: never). */
  snapshotThinAfterHours: number;
  /** How often to prune; 0 disables the schedule (tests, the command line). */
  intervalMs: number;
}

export interface RetentionJob {
  /** Runs shortly after (at most a minute), then every `intervalMs`. */
  start(): void;
  /** Stops the schedule; a batch in progress is the last one. */
  stop(): void;
}

/** The job's name among the cluster-wide jobs' leases. */
export const RETENTION_JOB = 'snapshot-retention';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The next event-loop turn: each batch gets its own, so ingest keeps flowing while a backlog is worked off. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Prunes raw snapshots past the retention window, then thins repeats, shortly after start and
 * then on a schedule, one small batch per event-loop turn. A failure is logged and the schedule
 * goes on.
 */
export function createRetentionJob(
  deps: {
    snapshots: SnapshotPruning;
    log: JobLog;
    /** Instances sharing the database: each interval's work runs on the one whose claim wins. */
    cluster?: { leases: JobLeases; holder: string };
    /**
     * The store the batches write to, let catch up between them: a backlog worked off batch after
     * batch is a long run of commits, like an import's (Stores.caughtUp).
     */
    store?: WriteBacklog;
  },
  opts: RetentionOptions,
): RetentionJob {
  const { snapshots, log, cluster, store } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const betweenBatches = async () => {
    await nextTurn();
    await store?.caughtUp(CATCH_UP_WAIT_MS);
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void run().finally(() => schedule(opts.intervalMs)), ms);
    timer.unref();
  };

  const prune = async (cutoff: Date) => {
    const pruned = { snapshots: 0, sections: 0 };
    try {
      for (let more = true; more && !stopped; ) {
        const r = await snapshots.pruneBatch(cutoff);
        pruned.snapshots += r.snapshots;
        pruned.sections += r.sections;
        more = r.more;
        if (more) await betweenBatches();
      }
      if (pruned.snapshots > 0) log.info({ ...pruned, cutoff: cutoff.toISOString() }, 'pruned raw snapshots');
    } catch (err) {
      log.error({ err }, 'pruning raw snapshots failed');
    }
  };

  const thin = async (cutoff: Date) => {
    let thinned = 0;
    try {
      let afterKey: number | undefined;
      do {
        const r = await snapshots.thinBatch(cutoff, afterKey);
        thinned += r.snapshots;
        afterKey = r.lastKey;
        if (afterKey !== undefined) await betweenBatches();
      } while (afterKey !== undefined && !stopped);
      if (thinned > 0) log.info({ snapshots: thinned, cutoff: cutoff.toISOString() }, 'thinned repeated snapshots');
    } catch (err) {
      log.error({ err }, 'thinning raw snapshots failed');
    }
  };

  /**
   * Whether this instance does this interval's work. Instances start at different times, so
   * the interval is counted from the epoch: all of them agree which one it is.
   */
  const claimed = async (): Promise<boolean> => {
    if (!cluster) return true;
    const tick = new Date(Math.floor(Date.now() / opts.intervalMs) * opts.intervalMs);
    try {
      return await cluster.leases.claimTick(RETENTION_JOB, tick, cluster.holder);
    } catch (err) {
      log.error({ err }, 'snapshot retention: the interval could not be claimed; skipped');
      return false;
    }
  };

  const run = async () => {
    if (!(await claimed())) return;
    const cutoff = new Date(Date.now() - opts.snapshotRetentionDays * DAY_MS);
    const thinCutoff = new Date(Date.now() - opts.snapshotThinAfterHours * HOUR_MS);
    await prune(cutoff);
    if (opts.snapshotThinAfterHours > 0 && !stopped) await thin(thinCutoff);
  };

  return {
    start() {
      if (opts.intervalMs <= 0) return;
      schedule(Math.min(opts.intervalMs, 60_000));
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
