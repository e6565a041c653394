import type { FastifyInstance } from 'fastify';
import { createHttpApp, type HttpAppOptions } from '../http/app.ts';
import { openCollector, type ReconciliationSetup } from './collector.ts';

export interface AppOptions extends Omit<HttpAppOptions, 'reconcileSchedule'> {
  dbPath: string;
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
  const { dbPath, enrollSecret, reconciliation, ...http } = options;
  const { schedule, ...setup } = reconciliation ?? {};
  const collector = await openCollector({
    dbPath,
    enrollSecret,
    reconciliation: setup,
    ...(options.logger ? { log: options.logger } : {}),
  });
  try {
    const app = await createHttpApp(collector, { ...http, reconcileSchedule: schedule ?? null });
    app.addHook('onClose', async () => collector.close());
    return app;
  } catch (err) {
    await collector.close();
    throw err;
  }
}
