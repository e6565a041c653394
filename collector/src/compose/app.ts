import type { FastifyInstance } from 'fastify';
import { INSTANCE_NAME } from '../domain/cluster/instance-name.ts';
import { createHttpApp, type HttpAppOptions } from '../http/app.ts';
import { reconcileJob } from '../jobs/reconcile-job.ts';
import { createRetentionJob } from '../jobs/retention.ts';
import scheduler from '../jobs/scheduler.ts';
import { createPrometheusMetrics } from '../metrics/prometheus.ts';
import type { BackgroundCheckpointOptions } from '../store/sqlite/checkpoints/index.ts';
import { COLLECTOR_VERSION } from '../version.ts';
import { openCollector, type ReconciliationSetup } from './collector.ts';
import type { DatabaseLocation } from './stores.ts';

export interface AppOptions extends Omit<HttpAppOptions, 'metrics'> {
  /** Serve `/metrics` (Prometheus) to holders of this token; absent: no metrics. */
  metricsToken?: string;
  /** Days raw snapshots are kept (default 30). */
  snapshotRetentionDays?: number;
  /** Hours after which repeats of a device's snapshot are thinned to one a day (default 24; 0: never). */
  snapshotThinAfterHours?: number;
  /** How often raw snapshots are pruned, in ms (default hourly; 0: never, for tests). */
  pruneIntervalMs?: number;
  /** A SQLite file, or a PostgreSQL database. */
  dbPath: DatabaseLocation;
  /**
   * On SQLite, checkpoint the write-ahead log in a thread of its own, off the event loop (the
   * server does; absent: in the commits, as the admin commands and the tests do).
   */
  backgroundCheckpoints?: Omit<BackgroundCheckpointOptions, 'log'>;
  enrollSecret: string;
  /** Reconciliation: policies from a file, webhook settings, and the cron schedule (absent: no schedule). */
  reconciliation?: ReconciliationSetup & { schedule?: string | null };
}

/**
 * The collector served over HTTP, without listening: the composition root (openCollector) and
 * the HTTP edge on it, for the server, the tests (`app.inject`) and the benchmarks. Closing the
 * app closes the collector.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const {
    dbPath,
    enrollSecret,
    reconciliation,
    snapshotRetentionDays,
    snapshotThinAfterHours,
    pruneIntervalMs,
    metricsToken,
    backgroundCheckpoints,
    ...http
  } = options;
  const { schedule, ...setup } = reconciliation ?? {};
  const prometheus = metricsToken === undefined ? undefined : createPrometheusMetrics(COLLECTOR_VERSION);
  const collector = await openCollector({
    dbPath,
    database: {
      // The server does not start where it would not be ready: below the free space /readyz asks for.
      ...(http.minFreeDiskBytes !== undefined ? { minFreeBytes: http.minFreeDiskBytes } : {}),
      ...(backgroundCheckpoints ? { backgroundCheckpoints } : {}),
    },
    enrollSecret,
    reconciliation: setup,
    ...(options.logger ? { log: options.logger } : {}),
    ...(prometheus ? { observer: prometheus.observer } : {}),
  });
  prometheus?.readFrom(collector.stores);
  try {
    const app = await createHttpApp(collector, {
      ...http,
      ...(prometheus && metricsToken !== undefined ? { metrics: { token: metricsToken, endpoint: prometheus } } : {}),
    });
    // The jobs run beside the HTTP edge, on the same collector, for as long as the app is up;
    // every instance on a shared database schedules them, and each tick runs on one.
    const cluster = { leases: collector.stores.jobLeases, holder: INSTANCE_NAME };
    if (schedule) await app.register(scheduler, { jobs: [reconcileJob(schedule)], cluster });
    const retention = createRetentionJob(
      { snapshots: collector.services.snapshotArchive, log: app.log, cluster, store: collector.stores },
      {
        snapshotRetentionDays: snapshotRetentionDays ?? 30,
        snapshotThinAfterHours: snapshotThinAfterHours ?? 24,
        intervalMs: pruneIntervalMs ?? 60 * 60 * 1000,
      },
    );
    app.addHook('onReady', async () => retention.start());
    app.addHook('onClose', async () => retention.stop());
    app.addHook('onClose', async () => collector.close());
    if (prometheus) app.addHook('onClose', async () => prometheus.close());
    return app;
  } catch (err) {
    prometheus?.close();
    await collector.close();
    throw err;
  }
}
