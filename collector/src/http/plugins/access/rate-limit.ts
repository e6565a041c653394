import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from '../problems/problem.ts';

export interface RateLimitOptions {
  /** Requests per window per API token (and per logged-in user); 0: none. */
  perToken: number;
  /** Enrolments per window per client address; 0: none. */
  enrollPerAddress: number;
  /** Default one minute. */
  windowMs?: number;
}

const ENROLL = '/api/v1/agent/enroll';

/** The bucket a request counts against, or undefined when it is not limited. */
function bucket(request: FastifyRequest, opts: RateLimitOptions): string | undefined {
  const principal = request.principal;
  if (principal?.kind === 'token') return opts.perToken > 0 ? `token:${principal.token.id}` : undefined;
  // A person's requests count as a token's do, per account.
  if (principal?.kind === 'user') return opts.perToken > 0 ? `user:${principal.user.id}` : undefined;
  if (request.method === 'POST' && request.routeOptions.url === ENROLL) {
    // request.ip is the client behind a trusted proxy (trustProxy), else the peer.
    return opts.enrollPerAddress > 0 ? `enroll:${request.ip}` : undefined;
  }
  // Agents' own routes follow their schedule (and an agent drops what a 4xx refuses);
  // health checks and documentation are cheap.
  return undefined;
}

/**
 * Rate limits per API token and, for enrolment, per client address (@fastify/rate-limit,
 * in memory). Runs after authentication, so it knows the token; an exceeded limit is a 429
 * problem with Retry-After.
 */
export default fp<RateLimitOptions>(
  async (app: FastifyInstance, opts) => {
    if (opts.perToken <= 0 && opts.enrollPerAddress <= 0) return;
    await app.register(rateLimit, {
      global: true,
      hook: 'onRequest',
      timeWindow: opts.windowMs ?? 60_000,
      keyGenerator: (request) => bucket(request, opts) ?? 'unlimited',
      allowList: (request) => bucket(request, opts) === undefined,
      max: (_request, key) => (key.startsWith('enroll:') ? opts.enrollPerAddress : opts.perToken),
      errorResponseBuilder: (_request, context) =>
        HttpProblem.tooManyRequests(
          `Rate limit of ${context.max} requests per ${Math.round((opts.windowMs ?? 60_000) / 1000)} s reached; retry in ${context.after}`,
        ),
    });
  },
  { name: 'rate-limit', dependencies: ['access'] },
);
