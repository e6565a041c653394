import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerToken } from '../../../domain/access/tokens.ts';
import {
  type ApiPrincipal,
  type ApiTokensRepository,
  createApiTokensRepository,
} from '../../../store/sqlite/access/api-tokens-repository.ts';
import {
  createEnrollSecretsRepository,
  type EnrollSecretsRepository,
} from '../../../store/sqlite/access/enroll-secrets-repository.ts';
import type { AgentRow } from '../../../store/sqlite/agents/agents-repository.ts';
import { HttpProblem } from '../problems/problem.ts';
import { roleSatisfies, routeAccess } from './route-access.ts';

/** Who is calling: an agent with its token, or a person or script with an API token. */
export type Principal = { kind: 'agent'; agent: AgentRow } | { kind: 'token'; token: ApiPrincipal };

declare module 'fastify' {
  interface FastifyInstance {
    apiTokens: ApiTokensRepository;
    enrollSecrets: EnrollSecretsRepository;
  }
  interface FastifyRequest {
    principal?: Principal;
    agent?: AgentRow;
  }
}

export interface AccessPluginOptions {
  /** The secret the collector was started with: kept in the list of enroll secrets. */
  enrollSecret: string;
}

const AGENT_TOKEN_PREFIX = 'sta_';

function unauthorized(reply: FastifyReply, detail: string): HttpProblem {
  // RFC 6750: a 401 names the scheme the client should use.
  reply.header('www-authenticate', 'Bearer realm="stocktake"');
  return HttpProblem.unauthorized(detail);
}

/**
 * Authentication and roles for every route, in one onRequest hook: the route's access rule
 * (route-access.ts) decides what credential it takes. Unknown routes pass through to the 404
 * handler. Runs before body parsing, so a refused request is never read.
 */
export default fp<AccessPluginOptions>(
  async (app: FastifyInstance, opts) => {
    const apiTokens = createApiTokensRepository(app.db, app.auditLog);
    const enrollSecrets = createEnrollSecretsRepository(app.db, app.auditLog);
    app.decorate('apiTokens', apiTokens);
    app.decorate('enrollSecrets', enrollSecrets);

    const configured = enrollSecrets.syncConfigured(opts.enrollSecret);
    if (!configured.live) {
      app.log.warn('the configured enroll secret was revoked: agents cannot enrol with it (rotate to make a new one)');
    }

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.routeOptions.url;
      if (url === undefined) return;
      const access = routeAccess(request.method, url);
      if (access.kind === 'public') return;
      const secret = bearerToken(request.headers.authorization);
      if (!secret) throw unauthorized(reply, 'This route needs a bearer token (Authorization: Bearer <token>)');

      if (secret.startsWith(AGENT_TOKEN_PREFIX)) {
        const agent = app.agentsRepository.findByToken(secret);
        // One answer for unknown and revoked: an agent re-enrols either way.
        if (!agent) throw unauthorized(reply, 'Agent token is unknown or revoked');
        if (access.kind !== 'agent') throw HttpProblem.forbidden('Agent tokens reach only the agent routes');
        request.principal = { kind: 'agent', agent };
        request.agent = agent;
        return;
      }

      const token = apiTokens.authenticate(secret);
      if (!token) throw unauthorized(reply, 'Token is unknown or revoked');
      if (access.kind === 'agent') throw HttpProblem.forbidden('Agent routes take agent tokens only');
      if (!roleSatisfies(token.role, access.role)) {
        throw HttpProblem.forbidden(`This route needs an ${access.role} token; token ${token.name} is a ${token.role}`);
      }
      request.principal = { kind: 'token', token };
    });
  },
  { name: 'access', dependencies: ['db', 'services', 'agents-repository'] },
);
