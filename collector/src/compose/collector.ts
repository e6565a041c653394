import type { FindingSeverity } from '@stocktake/shared/api';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { createForeground } from '../domain/csv/pace.ts';
import { createWebhookNotifier, type WebhookOptions } from '../domain/findings/notifier.ts';
import type { PolicyInput } from '../domain/findings/policies.ts';
import type { CollectorObserver } from '../domain/observability/ports.ts';
import type { Stores } from '../domain/ports.ts';
import { ImportRefusedError, ImportTooLargeError } from '../domain/register/csv-import.ts';
import type { Collector } from '../domain/services.ts';
import type { OpenOptions } from '../store/sqlite/open-database.ts';
import { COLLECTOR_VERSION } from '../version.ts';
import { createServices } from './services.ts';
import { type DatabaseLocation, describeLocation, openStores } from './stores.ts';

/** Reconciliation settings from the configuration: a policy document to store, and where findings are sent. */
export interface ReconciliationSetup {
  /** A policy document read from --policies: stored at start (audited when it changes what is stored). */
  policies?: PolicyInput;
  policiesSource?: string;
  /** Webhook from flags or environment; wins over the policy's notifications settings. */
  webhookUrl?: string;
  webhookMinSeverity?: FindingSeverity;
  webhook?: WebhookOptions;
}

export interface CollectorOptions {
  /** The database: a SQLite file (created and migrated when new), or a PostgreSQL database (migrated at open). */
  dbPath: DatabaseLocation;
  /** SQLite tuning (the benchmarks' page size), and the free space the disk must have to open. */
  database?: OpenOptions;
  /** Where the collector logs; none when absent (admin commands, benchmarks). */
  log?: FastifyBaseLogger;
  /** The secret the collector was started with: kept in the list of enroll secrets. Absent for admin commands. */
  enrollSecret?: string;
  reconciliation?: ReconciliationSetup;
  /** Why the policies file is stored now, for the audit log (default: loaded at start). */
  policiesContext?: string;
  /** Told of ingests, runs and webhook attempts (the server's metrics); nobody by default. */
  observer?: CollectorObserver;
}

export type { Collector, CollectorServices } from '../domain/services.ts';

/**
 * The composition root: opens the stores (SQLite or PostgreSQL, as the location says; the choice
 * is made here and nowhere else) and builds the domain services on them. The server, the admin commands and
 * the benchmarks all start here.
 */
export async function openCollector(options: CollectorOptions): Promise<Collector> {
  const log = options.log ?? pino({ enabled: false });
  const checkpoints = options.database?.backgroundCheckpoints;
  const stores = await openStores(
    options.dbPath,
    checkpoints ? { ...options.database, backgroundCheckpoints: { log, ...checkpoints } } : options.database,
  );
  log.info({ database: describeLocation(options.dbPath) }, 'database ready');
  const setup = options.reconciliation ?? {};
  const notifier = createWebhookNotifier(
    (policy) => {
      const url = setup.webhookUrl ?? policy.notifications.webhookUrl;
      if (!url) return undefined;
      return { url, minSeverity: setup.webhookMinSeverity ?? policy.notifications.minSeverity };
    },
    { log, collectorVersion: COLLECTOR_VERSION, ...(options.observer ? { observer: options.observer } : {}) },
    setup.webhook,
  );
  const close = async () => {
    notifier.close();
    await stores.close();
  };
  try {
    const foreground = createForeground();
    const services = createServices(stores, options.observer, {
      foreground,
      onImportFailure: (job, err) => {
        const refused = err instanceof ImportRefusedError || err instanceof ImportTooLargeError;
        if (refused) log.info({ job: job.id, resource: job.resource }, 'import job refused its file');
        else log.error({ err, job: job.id, resource: job.resource }, 'import job failed');
      },
    });
    if (options.enrollSecret !== undefined) await syncEnrollSecret(stores, options.enrollSecret, log);
    const { reconciliation } = services;
    reconciliation.onOpened((opened, run, policy) => notifier.notify(opened, run, policy));
    if (setup.policies) {
      await reconciliation.policies.replace(
        setup.policies,
        `config:${setup.policiesSource ?? 'policies file'}`,
        options.policiesContext ?? 'loaded at start',
      );
    }
    return { stores, services, foreground, drainNotifications: () => notifier.drain(), close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function syncEnrollSecret(stores: Stores, secret: string, log: FastifyBaseLogger): Promise<void> {
  const configured = await stores.enrollSecrets.syncConfigured(secret);
  if (!configured.live) {
    log.warn('the configured enroll secret was revoked: agents cannot enrol with it (rotate to make a new one)');
  }
}
