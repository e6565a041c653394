import type { FastifyInstance } from 'fastify';
import { buildApp } from './compose/app.ts';
import { migrateDatabase } from './compose/maintenance.ts';
import { type CollectorConfig, ConfigError, ensureEnrollSecret } from './config.ts';
import { createLogger } from './logger.ts';
import { LOW_OPEN_FILE_LIMIT, readOpenFileLimit } from './open-file-limit.ts';
import { reconciliationOptions } from './reconciliation-config.ts';
import {
  readTlsPair,
  reloadTlsPair,
  type SecureContextTarget,
  type TlsFiles,
  type TlsPair,
  TlsPairError,
} from './tls-certificate.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
}

/** The certificate and key, checked, or a configuration error naming the file at fault. */
function readTls(tls: TlsFiles): TlsPair {
  try {
    return readTlsPair(tls);
  } catch (err) {
    if (err instanceof TlsPairError) throw new ConfigError(err.key, err.message);
    throw err;
  }
}

/**
 * On SIGHUP the collector reads its certificate and key files again and serves the new pair to
 * new connections, without a restart: renewal tools (certbot's deploy hooks, cron jobs) send it
 * once both files are in place. A signal rather than watching the files: a watcher could see the
 * certificate before its key is written, and misses renames of symlinked files on some file
 * systems. Only with TLS: without it SIGHUP keeps its default meaning.
 */
function reloadTlsOnSighup(app: FastifyInstance, files: TlsFiles, served: TlsPair): void {
  let current = served;
  const server = app.server as unknown as SecureContextTarget;
  process.on('SIGHUP', () => {
    app.log.info({ certPath: files.certPath, keyPath: files.keyPath }, 'SIGHUP: reading the TLS certificate again');
    current = reloadTlsPair(server, files, current, app.log);
  });
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
  // PostgreSQL is migrated when it is opened, under a lock however many instances start; its
  // backups are the server's (pg_dump, a replica's base backup).
  const sqlitePath = typeof config.database === 'string' ? config.database : undefined;
  const upgrade =
    sqlitePath === undefined
      ? undefined
      : await migrateDatabase(sqlitePath, (backup, status) => {
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
    dbPath: config.database,
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
    peerAgents: config.peerAgents,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    minFreeDiskBytes: config.minFreeDiskBytes,
    // A long-running server: the log's checkpoints run beside the event loop, not in its commits.
    backgroundCheckpoints: {},
    ...(https ? { https: { cert: https.cert, key: https.key } } : {}),
  });
  const url = await app.listen({ host: config.host, port: config.port });
  if (config.tls && https) {
    app.log.info(
      { fingerprint: https.fingerprint, subject: https.subject, validTo: https.validTo },
      'serving TLS certificate (SIGHUP reads it again)',
    );
    reloadTlsOnSighup(app, config.tls, https);
  }
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
