import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './compose/app.ts';
import { migrateDatabase } from './compose/maintenance.ts';
import { type CollectorConfig, ConfigError, ensureEnrollSecret } from './config.ts';
import { createLogger } from './logger.ts';
import { LOW_OPEN_FILE_LIMIT, readOpenFileLimit } from './open-file-limit.ts';
import { reconciliationOptions } from './reconciliation-config.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
}

/** The certificate and key files, or a configuration error naming the one that cannot be read. */
function readTls(tls: { certPath: string; keyPath: string }): { cert: Buffer; key: Buffer } {
  const read = (key: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(key, `cannot read ${path}: ${(err as Error).message}`);
    }
  };
  return { cert: read('tls-cert', tls.certPath), key: read('tls-key', tls.keyPath) };
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
  const https = config.tls ? readTls(config.tls) : undefined;
  // Migrations run only once a backup of the database as it was is on disk beside it: an
  // upgrade that goes wrong is undone by restoring that file and starting the previous version.
  const upgrade = await migrateDatabase(config.dbPath, (backup, status) => {
    logger.info(
      { backup: backup.path, bytes: backup.bytes, schemaVersion: status.version, pending: status.pending },
      'backed up the database before migrating it',
    );
  });
  if (upgrade?.migrated) {
    const { from, to, applied, durationMs } = upgrade.migrated;
    logger.info({ from, to, applied, durationMs }, 'database migrated');
  }
  const app = await buildApp({
    dbPath: config.dbPath,
    enrollSecret: enroll.secret,
    snapshotBodyLimit: config.snapshotBodyLimit,
    bodyLimit: config.bodyLimit,
    csvBodyLimit: config.csvBodyLimit,
    snapshotRetentionDays: config.snapshotRetentionDays,
    snapshotThinAfterHours: config.snapshotThinAfterHours,
    reconciliation: reconciliationOptions(config.reconciliation),
    logger: logger,
    rateLimit: { perToken: config.rateLimit, enrollPerAddress: config.enrollRateLimit },
    agentBudget: { requestsPerMinute: config.agentRateLimit, bytesPerMinute: config.agentByteLimit },
    csvRowLimit: config.csvRowLimit,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    minFreeDiskBytes: config.minFreeDiskBytes,
    ...(https ? { https } : {}),
  });
  const url = await app.listen({ host: config.host, port: config.port });
  const files = readOpenFileLimit();
  if (files && files.soft < LOW_OPEN_FILE_LIMIT) {
    // Past the limit, new connections are refused: agents going online and HTTP requests alike.
    app.log.warn(
      { openFileLimit: files.soft },
      `open-file limit is ${files.soft}: fewer agents than that can be online (each live channel is an open file); raise it (LimitNOFILE= in a systemd unit, ulimit -n)`,
    );
  } else if (files) {
    app.log.info({ openFileLimit: files.soft }, 'open-file limit (each online agent holds one)');
  }
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
