import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { type CollectorConfig, ensureEnrollSecret } from './config.ts';
import { createLogger } from './logger.ts';
import { reconciliationOptions } from './reconciliation/config.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
}

/** Builds the app, listens, and stops cleanly on SIGTERM/SIGINT. */
export async function serve(config: CollectorConfig): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const enroll = ensureEnrollSecret(config);
  if (enroll.generated) {
    logger.warn({ path: enroll.path }, 'no enroll secret configured: generated one and stored it');
  } else if (enroll.path) {
    logger.info({ path: enroll.path }, 'using the stored enroll secret');
  }
  const app = await buildApp({
    dbPath: config.dbPath,
    enrollSecret: enroll.secret,
    snapshotBodyLimit: config.snapshotBodyLimit,
    bodyLimit: config.bodyLimit,
    csvBodyLimit: config.csvBodyLimit,
    snapshotRetentionDays: config.snapshotRetentionDays,
    reconciliation: reconciliationOptions(config.reconciliation),
    logger: logger,
  });
  const url = await app.listen({ host: config.host, port: config.port });
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { app, url };
}
