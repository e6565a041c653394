import cors from '@fastify/cors';
import { COLLECTOR_HEADER } from '@stocktake/shared';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import access from './http/plugins/access/index.ts';
import rateLimit, { type RateLimitOptions } from './http/plugins/access/rate-limit.ts';
import db from './http/plugins/db.ts';
import live from './http/plugins/live/index.ts';
import openapi from './http/plugins/openapi/index.ts';
import problems from './http/plugins/problems/index.ts';
import reconciliation, { type ReconciliationPluginOptions } from './http/plugins/reconciliation.ts';
import routeTable from './http/plugins/route-table.ts';
import services from './http/plugins/services-plugin.ts';
import strictQuery from './http/plugins/strict-query.ts';
import { validatorCompiler } from './http/plugins/validator-compiler.ts';
import deltaRoutes from './http/routes/api/v1/agent/deltas.ts';
import agentRoutes from './http/routes/api/v1/agent/index.ts';
import liveRoutes from './http/routes/api/v1/agent/live.ts';
import assetsRoutes from './http/routes/api/v1/assets/index.ts';
import auditRoutes from './http/routes/api/v1/audit/index.ts';
import conflictsRoutes from './http/routes/api/v1/conflicts/index.ts';
import devicesRoutes from './http/routes/api/v1/devices/index.ts';
import refreshRoutes from './http/routes/api/v1/devices/refresh.ts';
import enrollSecretsRoutes from './http/routes/api/v1/enroll-secrets/index.ts';
import findingsRoutes from './http/routes/api/v1/findings/index.ts';
import complianceRoutes from './http/routes/api/v1/licenses/compliance.ts';
import licensesRoutes from './http/routes/api/v1/licenses/index.ts';
import policiesRoutes from './http/routes/api/v1/policies/index.ts';
import reconciliationsRoutes from './http/routes/api/v1/reconciliations/index.ts';
import reportsRoutes from './http/routes/api/v1/reports/index.ts';
import softwareRoutes from './http/routes/api/v1/software/index.ts';
import tokensRoutes from './http/routes/api/v1/tokens/index.ts';
import healthRoutes from './http/routes/healthz/index.ts';
import { reconcileJob } from './jobs/reconcile-job.ts';
import retention from './jobs/retention.ts';
import scheduler from './jobs/scheduler.ts';
import agentsRepository from './store/sqlite/agents/agents-repository.ts';
import { COLLECTOR_VERSION } from './version.ts';

export interface AppOptions {
  dbPath: string;
  enrollSecret: string;
  /** Largest snapshot body accepted, in bytes. */
  snapshotBodyLimit: number;
  /** Largest body of any other route, in bytes. */
  bodyLimit: number;
  /** Largest CSV import, in bytes (default 32 MiB). */
  csvBodyLimit?: number;
  /** Days raw snapshots are kept (default 30). */
  snapshotRetentionDays?: number;
  /** Hours after which repeats of a device's snapshot are thinned to one a day (default 24; 0: never). */
  snapshotThinAfterHours?: number;
  /** How often raw snapshots are pruned, in ms (default hourly; 0: never, for tests). */
  pruneIntervalMs?: number;
  /** How often the collector pings agents' live channels, in ms (default 30 s). */
  livePingIntervalMs?: number;
  /** Reconciliation: policies from a file, webhook settings, and the cron schedule (absent: no schedule). */
  reconciliation?: ReconciliationPluginOptions & { schedule?: string | null };
  /** A pino logger, or false for none (tests). */
  logger: FastifyBaseLogger | false;
  /** Requests per minute per API token and enrolments per minute per address (defaults 1200 and 60; 0: none). */
  rateLimit?: Partial<RateLimitOptions>;
  /** Origins browsers may call the API from (CORS); none by default, and then no CORS headers at all. */
  corsOrigins?: string[];
  /** Certificate and key (PEM): HTTPS instead of HTTP. */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Fastify's trustProxy: which proxies may say who the client is (X-Forwarded-For). Default none. */
  trustProxy?: boolean | number | string;
}

declare module 'fastify' {
  interface FastifyInstance {
    collectorVersion: string;
  }
}

/** Builds the collector app without listening, for the server and for tests (`app.inject`). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit,
    // Agents retry on their own schedule; a slow client must not hold a socket forever.
    requestTimeout: 60_000,
    // Fastify takes a hop count too; its type leaves numbers out.
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  // JSON routes take JSON: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  // The same TypeBox validator the agent and tests use, so both sides agree on what is valid.
  app.setValidatorCompiler(validatorCompiler);
  app.decorate('collectorVersion', COLLECTOR_VERSION);
  app.addHook('onRequest', async (_request, reply) => {
    reply.header(COLLECTOR_HEADER, COLLECTOR_VERSION);
  });

  const csvBodyLimit = options.csvBodyLimit ?? 32 * 1024 * 1024;
  await app.register(routeTable);
  await app.register(strictQuery);
  await app.register(openapi);
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    await app.register(cors, { origin: options.corsOrigins, credentials: false, maxAge: 600 });
  }
  await app.register(problems);
  await app.register(db, { path: options.dbPath });
  await app.register(agentsRepository);
  await app.register(services);
  await app.register(access, { enrollSecret: options.enrollSecret });
  await app.register(rateLimit, {
    perToken: options.rateLimit?.perToken ?? 1200,
    enrollPerAddress: options.rateLimit?.enrollPerAddress ?? 60,
    ...(options.rateLimit?.windowMs ? { windowMs: options.rateLimit.windowMs } : {}),
  });
  await app.register(live, { snapshotBodyLimit: options.snapshotBodyLimit });
  const { schedule, ...reconciliationOptions } = options.reconciliation ?? {};
  await app.register(reconciliation, reconciliationOptions);
  if (schedule) await app.register(scheduler, { jobs: [reconcileJob(schedule)] });
  await app.register(retention, {
    snapshotRetentionDays: options.snapshotRetentionDays ?? 30,
    snapshotThinAfterHours: options.snapshotThinAfterHours ?? 24,
    intervalMs: options.pruneIntervalMs ?? 60 * 60 * 1000,
  });

  await app.register(healthRoutes);
  await app.register(agentRoutes, {
    prefix: '/api/v1/agent',
    snapshotBodyLimit: options.snapshotBodyLimit,
  });
  await app.register(deltaRoutes, { prefix: '/api/v1/agent', snapshotBodyLimit: options.snapshotBodyLimit });
  await app.register(liveRoutes, {
    prefix: '/api/v1/agent',
    ...(options.livePingIntervalMs ? { pingIntervalMs: options.livePingIntervalMs } : {}),
  });
  await app.register(devicesRoutes, { prefix: '/api/v1/devices' });
  await app.register(refreshRoutes, { prefix: '/api/v1/devices' });
  await app.register(softwareRoutes, { prefix: '/api/v1/software' });
  await app.register(assetsRoutes, { prefix: '/api/v1/assets', csvBodyLimit });
  await app.register(licensesRoutes, { prefix: '/api/v1/licenses', csvBodyLimit });
  await app.register(auditRoutes, { prefix: '/api/v1/audit' });
  await app.register(conflictsRoutes, { prefix: '/api/v1/conflicts' });
  await app.register(complianceRoutes, { prefix: '/api/v1/licenses' });
  await app.register(findingsRoutes, { prefix: '/api/v1/findings' });
  await app.register(reconciliationsRoutes, { prefix: '/api/v1/reconciliations' });
  await app.register(policiesRoutes, { prefix: '/api/v1/policies' });
  await app.register(reportsRoutes, { prefix: '/api/v1/reports' });
  await app.register(tokensRoutes, { prefix: '/api/v1/tokens' });
  await app.register(enrollSecretsRoutes, { prefix: '/api/v1/enroll-secrets' });
  return app;
}
