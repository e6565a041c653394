import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits, LoginThrottle } from '../domain/access/login.ts';
import { PEER_AGENTS_OFF, type PeerAgentsSettings } from '../domain/peers/admission.ts';
import { DEFAULT_MIN_FREE_BYTES } from '../domain/ports.ts';
import { DEFAULT_IMPORT_ROW_LIMIT } from '../domain/register/csv-import.ts';
import type { Collector } from '../domain/services.ts';
import { COLLECTOR_VERSION } from '../version.ts';
import { loadRoutes } from './load-routes.ts';
import agentBudget, { type AgentBudgetOptions } from './plugins/access/agent-budget.ts';
import access from './plugins/access/index.ts';
import rateLimit, { type RateLimitOptions } from './plugins/access/rate-limit.ts';
import consolePages from './plugins/console.ts';
import contentEncoding from './plugins/content-encoding.ts';
import foreground from './plugins/foreground.ts';
import largeBodies from './plugins/large-body/index.ts';
import { lazySchemaController } from './plugins/lazy-serializers.ts';
import live from './plugins/live/index.ts';
import metrics, { type MetricsEndpoint } from './plugins/metrics/index.ts';
import openapi from './plugins/openapi/index.ts';
import { redactPathSecret } from './plugins/path-secrets.ts';
import plainHttpWarning from './plugins/plain-http-warning.ts';
import { clientErrorHandler, frameworkErrors } from './plugins/problems/framework-errors.ts';
import problems from './plugins/problems/index.ts';
import responseHeaders from './plugins/response-headers.ts';
import routeTable from './plugins/route-table.ts';
import services from './plugins/services.ts';
import settings from './plugins/settings.ts';
import strictQuery from './plugins/strict-query.ts';
import { validatorCompiler } from './plugins/validator-compiler.ts';

export interface HttpAppOptions {
  /** Largest snapshot body accepted, in bytes. */
  snapshotBodyLimit: number;
  /** Largest body of any other route, in bytes. */
  bodyLimit: number;
  /** Largest CSV import, in bytes (default 32 MiB). */
  csvBodyLimit?: number;
  /** How often the collector pings agents' live channels, in ms (default 30 s). */
  livePingIntervalMs?: number;
  /** A pino logger, or false for none (tests). */
  logger: FastifyBaseLogger | false;
  /** Requests per minute per API token and enrolments per minute per address (defaults 1200 and 60; 0: none). */
  rateLimit?: Partial<RateLimitOptions>;
  /**
   * Snapshots and deltas per minute per agent, and their bytes per minute (defaults 60 and a
   * quarter of the snapshot body limit; 0: none).
   */
  agentBudget?: Partial<Pick<AgentBudgetOptions, 'requestsPerMinute' | 'bytesPerMinute'>>;
  /** Most data rows in one CSV import (default 200,000). */
  csvRowLimit?: number;
  /** CSV imports larger than this many bytes run as jobs (202 and a job to follow); default 1 MiB. */
  importJobThreshold?: number;
  /** Origins browsers may call the API from (CORS); none by default, and then no CORS headers at all. */
  corsOrigins?: string[];
  /** Certificate and key (PEM): HTTPS instead of HTTP. */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Free space the database's disk must keep for /readyz to answer ready, in bytes (default 128 MiB). */
  minFreeDiskBytes?: number;
  /**
   * The proxies that may say who the client is (X-Forwarded-For): addresses and CIDR ranges,
   * separated by commas. Default (and false): none. Never "any": a client could then name itself
   * anew on every request, past the per-address enrolment limit.
   */
  trustProxy?: false | string;
  /** Who may report through the OCS protocol and GLPI Agent's (default: nobody; the route answers 404). */
  peerAgents?: PeerAgentsSettings;
  /** Failed logins allowed per account and per address in a window (defaults: 5 and 20 in 15 minutes). */
  loginLimits?: Partial<LoginLimits>;
  /** `GET /metrics` with this token (and no other credential); absent: no metrics route. */
  metrics?: { token: string; endpoint: MetricsEndpoint };
}

/**
 * The logger with a request serializer that never writes the enroll secret other tools' agents
 * carry in their URL (`/ocsinventory/<secret>`): it logs as `/ocsinventory/<secret>`. A child
 * logger's serializers take precedence over Fastify's own.
 */
function withoutPathSecrets(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child(
    {},
    {
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: redactPathSecret(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket ? req.socket.remotePort : undefined,
        }),
      },
    },
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    collectorVersion: string;
    /** Failed logins lately, per account and per address: POST /api/v1/session consults it. */
    loginThrottle: LoginThrottle;
  }
}

/**
 * The HTTP edge over a composed collector (compose/): Fastify, its plugins and every
 * route folder under routes/. Builds no service and opens no store; closing the app does not
 * close the collector.
 */
export async function createHttpApp(collector: Collector, options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: withoutPathSecrets(options.logger) } : { logger: false }),
    bodyLimit: options.bodyLimit,
    // Agents retry on their own schedule; a slow client must not hold a socket forever.
    requestTimeout: 60_000,
    trustProxy: options.trustProxy ?? false,
    // The router's and Node's own refusals, answered as problem details like every other.
    frameworkErrors,
    clientErrorHandler: clientErrorHandler(options.logger || undefined),
    schemaController: lazySchemaController,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  // JSON routes take JSON: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  // The same TypeBox validator the agent and tests use, so both sides agree on what is valid.
  app.setValidatorCompiler(validatorCompiler);
  app.decorate('collectorVersion', COLLECTOR_VERSION);
  app.decorate('loginThrottle', new LoginThrottle({ ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits }));
  await app.register(responseHeaders);
  await app.register(foreground, { foreground: collector.foreground });
  await app.register(plainHttpWarning, { tls: options.https !== undefined });

  await app.register(settings, {
    snapshotBodyLimit: options.snapshotBodyLimit,
    csvBodyLimit: options.csvBodyLimit ?? 32 * 1024 * 1024,
    csvRowLimit: options.csvRowLimit ?? DEFAULT_IMPORT_ROW_LIMIT,
    importJobThreshold: options.importJobThreshold ?? 1024 * 1024,
    livePingIntervalMs: options.livePingIntervalMs ?? 30_000,
    minFreeDiskBytes: options.minFreeDiskBytes ?? DEFAULT_MIN_FREE_BYTES,
    peerAgents: options.peerAgents ?? PEER_AGENTS_OFF,
  });
  await app.register(largeBodies);
  await app.register(routeTable);
  await app.register(strictQuery);
  await app.register(openapi);
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    await app.register(cors, { origin: options.corsOrigins, credentials: false, maxAge: 600 });
  }
  await app.register(problems);
  await app.register(contentEncoding);
  await app.register(services, { stores: collector.stores, services: collector.services });
  await app.register(access, options.metrics ? { metricsToken: options.metrics.token } : {});
  await app.register(rateLimit, {
    perToken: options.rateLimit?.perToken ?? 1200,
    enrollPerAddress: options.rateLimit?.enrollPerAddress ?? 60,
    ...(options.rateLimit?.windowMs ? { windowMs: options.rateLimit.windowMs } : {}),
  });
  await app.register(agentBudget, {
    requestsPerMinute: options.agentBudget?.requestsPerMinute ?? 60,
    bytesPerMinute: options.agentBudget?.bytesPerMinute ?? Math.floor(options.snapshotBodyLimit / 4),
  });
  await app.register(live);
  if (options.metrics) await app.register(metrics, { endpoint: options.metrics.endpoint });

  await app.register(consolePages);
  for (const route of await loadRoutes()) await app.register(route.plugin, { prefix: route.prefix });
  return app;
}
