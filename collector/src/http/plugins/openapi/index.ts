import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ProblemSchema } from '@stocktake/shared';
import { ROUTE_EXAMPLES, SESSION_COOKIE } from '@stocktake/shared/api';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { COLLECTOR_VERSION } from '../../../version.ts';
import { routeAccess } from '../access/route-access.ts';

type Schema = Record<string, unknown>;

/** Problem responses every protected route may give, whatever its own schema says. */
const PROTECTED_PROBLEMS: Record<string, string> = {
  401: 'No token, or one that is unknown or revoked (application/problem+json).',
  403: 'The token may not use this route: a reader on a write, an agent token off the agent routes.',
  429: 'Too many requests for this token (or, for enrolment, this address); see Retry-After.',
  503: 'Storage cannot serve the request for now (busy, disk full, read-only, I/O errors); the same request may succeed after Retry-After.',
};

const TAGS = [
  { name: 'devices', description: 'What agents report: hardware, OS, software, users, history.' },
  { name: 'software', description: 'The software catalogue across the fleet, and who has what.' },
  { name: 'assets', description: 'The asset register: what the organisation believes it owns.' },
  { name: 'licenses', description: 'License entitlements and their compliance.' },
  { name: 'imports', description: 'CSV imports too large to answer at once, followed as jobs.' },
  { name: 'findings', description: 'What reconciliation flags, and what people do about it.' },
  { name: 'reconciliation', description: 'Reconciliation runs.' },
  { name: 'policies', description: 'The reconciliation policy and end-of-support dates.' },
  { name: 'reports', description: 'Summaries.' },
  { name: 'audit', description: 'Every change to the register, with who made it.' },
  { name: 'tokens', description: 'API tokens (admins only).' },
  { name: 'session', description: 'People log in and out; a session cookie stands in for a bearer token.' },
  { name: 'users', description: 'People’s accounts (admins only).' },
  { name: 'enroll secrets', description: 'Secrets agents enrol with (admins only).' },
  { name: 'agents', description: 'Enrolled agents, their revocation and enrolment blocks (admins only).' },
  { name: 'agent', description: 'Used by stocktake-agent: enrolment, snapshots, deltas, live channel.' },
  { name: 'health', description: 'Liveness (/healthz) and readiness (/readyz).' },
];

const withExample = (schema: unknown, example: unknown): unknown => {
  if (!schema || typeof schema !== 'object' || example === undefined) return schema;
  const content = (schema as { content?: Record<string, { schema: unknown }> }).content;
  const json = content?.['application/json'];
  // A response declared per media type: the example goes with the JSON one.
  if (content && json) {
    return {
      ...schema,
      content: { ...content, 'application/json': { ...json, schema: withExample(json.schema, example) } },
    };
  }
  return { ...schema, examples: [example] };
};

/**
 * Documents one route for the OpenAPI document: its security from the access rule the
 * authentication hook enforces, the refusals that come with it, and its examples.
 */
export function documentRoute(method: string, url: string, schema: Schema): Schema {
  const access = routeAccess(method, url);
  const out: Schema = { ...schema };
  const response = { ...((schema.response as Schema | undefined) ?? {}) };
  if (access.kind !== 'public') {
    out.security =
      access.kind === 'agent'
        ? [{ agentToken: [] }]
        : access.kind === 'api'
          ? [{ apiToken: [] }, { sessionCookie: [] }]
          : [{ apiToken: [] }];
    for (const [status, description] of Object.entries(PROTECTED_PROBLEMS)) {
      response[status] ??= { ...ProblemSchema, description };
    }
    if (access.kind === 'api' && access.role === 'admin') {
      out.description = [schema.description, 'Needs an admin token.'].filter(Boolean).join(' ');
    }
  } else {
    out.security = [];
  }
  const example = ROUTE_EXAMPLES[`${method.toUpperCase()} ${url}`];
  if (example?.body !== undefined) out.body = withExample(schema.body, example.body.value);
  if (example?.response !== undefined) {
    const status = String(example.status ?? successStatus(response) ?? 200);
    response[status] = withExample(response[status], example.response.value);
  }
  if (Object.keys(response).length > 0) out.response = response;
  return out;
}

/** The first 2xx status a route declares. */
export function successStatus(response: Schema | undefined): number | undefined {
  const codes = Object.keys(response ?? {})
    .map(Number)
    .filter((c) => c >= 200 && c < 300)
    .sort((a, b) => a - b);
  return codes[0];
}

/**
 * OpenAPI 3.1 generated from the route schemas (@fastify/swagger), served as JSON at
 * `/openapi.json` and `/docs/json` and browsable at `/docs` (swagger-ui, served from the
 * package: no CDN). Register before any route: it collects routes as they are added.
 */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Stocktake collector API',
          version: COLLECTOR_VERSION,
          description:
            'Inventory, asset register, reconciliation and the agent protocol. Every route but /healthz, /readyz, the documentation and enrolment needs `Authorization: Bearer <token>`: an API token (`stk_...`, role reader for GET/HEAD, admin for everything) or, on /api/v1/agent/*, an agent token. People log in with POST /api/v1/session instead, and their session cookie (with the X-CSRF-Token header on writes) stands in for an API token of their role. Errors are RFC 9457 application/problem+json with a stable `type` and, for validation, `errors: [{ path, message }]` naming the offending field. Request bodies and query strings are strict: unknown properties are refused with 400.',
        },
        tags: TAGS,
        components: {
          securitySchemes: {
            apiToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'API token (`stk_...`) from `stocktake-collector token create` or POST /api/v1/tokens.',
            },
            sessionCookie: {
              type: 'apiKey',
              in: 'cookie',
              name: SESSION_COOKIE,
              description:
                'A person’s session from POST /api/v1/session. Writes made with it need the X-CSRF-Token header the login and GET /api/v1/session answer.',
            },
            agentToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'Agent token (`sta_...`) from POST /api/v1/agent/enroll.',
            },
          },
        },
      },
      transform: ({ schema, url: registered, route }) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        const method = String(methods[0]);
        // A prefix's root route answers with and without the slash; the API names it without.
        const url = registered.length > 1 ? registered.replace(/\/$/, '') : registered;
        if (!schema) return { schema, url };
        // @fastify/websocket hides its routes; the live channel is part of the agent API all the same.
        const { hide, ...rest } = schema as Schema;
        if (hide && !(route as { websocket?: boolean }).websocket) return { schema, url };
        return { schema: documentRoute(method, url, rest) as typeof schema, url };
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // Nothing fetched from elsewhere: no validator badge, and a policy without the default's
      // upgrade-insecure-requests, which would break the page on a plain-HTTP collector.
      staticCSP:
        "default-src 'self'; base-uri 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'",
      uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: false, validatorUrl: null },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
