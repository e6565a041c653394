import { createHash, timingSafeEqual } from 'node:crypto';
import { CSRF_HEADER } from '@stocktake/shared/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Agent, ApiPrincipal, UserPrincipal } from '../../../domain/access/ports.ts';
import { csrfTokenMatches } from '../../../domain/access/sessions.ts';
import { AGENT_TOKEN_PREFIX, bearerToken } from '../../../domain/access/tokens.ts';
import { HttpProblem } from '../problems/problem.ts';
import { roleSatisfies, routeAccess } from './route-access.ts';
import { clearSessionCookie, sessionTokenOf } from './session-cookie.ts';

/**
 * Who is calling: an agent with its token, a script with an API token, or a person logged in
 * (the session cookie; `sessionToken` is the cookie's value, which the server keeps only hashed).
 */
export type Principal =
  | { kind: 'agent'; agent: Agent }
  | { kind: 'token'; token: ApiPrincipal }
  | { kind: 'user'; user: UserPrincipal; sessionToken: string; expiresAt: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    agent?: Agent;
  }
}

function unauthorized(reply: FastifyReply, detail: string): HttpProblem {
  // RFC 6750: a 401 names the scheme the client should use.
  reply.header('www-authenticate', 'Bearer realm="stocktake"');
  return HttpProblem.unauthorized(detail);
}

/** Routes that only read: the ones a session cookie may call without its CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/** Compares in constant time (digests have one length whatever the secrets'). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function csrfHeader(request: FastifyRequest): string | undefined {
  const value = request.headers[CSRF_HEADER];
  return typeof value === 'string' ? value : undefined;
}

export interface AccessOptions {
  /** The token `/metrics` takes (and no other route); none: metrics are off. */
  metricsToken?: string;
}

/**
 * Authentication and roles for every route, in one onRequest hook: the route's access rule
 * (route-access.ts) decides what credential it takes. Unknown routes pass through to the 404
 * handler. Runs before body parsing, so a refused request is never read.
 */
export default fp<AccessOptions>(
  async (app: FastifyInstance, options) => {
    const { agents, apiTokens, users } = app.stores;

    /**
     * A person's request, by the session cookie: the session must be live, a write must carry
     * the session's CSRF token (SameSite=Strict already keeps other sites' requests from
     * carrying the cookie; the token also covers sibling subdomains and browsers without
     * SameSite), and the role must suffice.
     */
    const authenticateSession = async (
      request: FastifyRequest,
      reply: FastifyReply,
      sessionToken: string,
      needs: 'admin' | 'reader',
    ) => {
      const session = await users.session(sessionToken);
      if (!session) {
        clearSessionCookie(request, reply);
        throw unauthorized(reply, 'The session has ended (logged out, expired or its account disabled); log in again');
      }
      if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(sessionToken, csrfHeader(request))) {
        throw HttpProblem.forbidden(
          `Writes made with the session cookie need the ${CSRF_HEADER} header the login and GET /api/v1/session answer`,
        );
      }
      if (!roleSatisfies(session.user.role, needs)) {
        throw HttpProblem.forbidden(
          `This route needs an ${needs}; user ${session.user.name} is a ${session.user.role}`,
        );
      }
      request.principal = { kind: 'user', user: session.user, sessionToken, expiresAt: session.expiresAt };
    };

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.routeOptions.url;
      if (url === undefined) return;
      const access = routeAccess(request.method, url);
      if (access.kind === 'public') return;
      const secret = bearerToken(request.headers.authorization);
      if (!secret) {
        // People's sessions reach the API routes; agents' and the metrics route take their tokens only.
        const sessionToken = access.kind === 'api' ? sessionTokenOf(request) : undefined;
        if (sessionToken && access.kind === 'api')
          return authenticateSession(request, reply, sessionToken, access.role);
        throw unauthorized(
          reply,
          'This route needs a bearer token (Authorization: Bearer <token>) or, on /api/v1, a session (POST /api/v1/session)',
        );
      }
      if (access.kind === 'metrics') {
        // Only the metrics token: a scraper's credential reads figures and nothing of the inventory.
        if (options.metricsToken === undefined || !sameSecret(secret, options.metricsToken)) {
          throw unauthorized(reply, 'Metrics take the metrics token (--metrics-token)');
        }
        return;
      }

      if (secret.startsWith(`${AGENT_TOKEN_PREFIX}_`)) {
        const agent = await agents.findByToken(secret);
        // One answer for unknown and revoked: an agent re-enrols either way.
        if (!agent) throw unauthorized(reply, 'Agent token is unknown or revoked');
        if (access.kind !== 'agent') throw HttpProblem.forbidden('Agent tokens reach only the agent routes');
        request.principal = { kind: 'agent', agent };
        request.agent = agent;
        // Operators see where each agent calls from; written only when it moved. A failed note
        // (a full disk) never fails the agent's request.
        if (agent.address !== request.ip) {
          agents.noteAddress(agent.id, request.ip).catch((err: unknown) => {
            request.log.warn({ err, agentId: agent.id }, 'agent address not noted');
          });
        }
        return;
      }

      const token = await apiTokens.authenticate(secret);
      if (!token) throw unauthorized(reply, 'Token is unknown or revoked');
      if (access.kind === 'agent') throw HttpProblem.forbidden('Agent routes take agent tokens only');
      if (!roleSatisfies(token.role, access.role)) {
        throw HttpProblem.forbidden(`This route needs an ${access.role} token; token ${token.name} is a ${token.role}`);
      }
      request.principal = { kind: 'token', token };
    });
  },
  { name: 'access', dependencies: ['services'] },
);
