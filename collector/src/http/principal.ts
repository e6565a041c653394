import type { FastifyRequest } from 'fastify';
import type { Agent } from '../domain/access/ports.ts';
import { HttpProblem } from './plugins/problems/problem.ts';

/**
 * Who is making this API request, for the audit log: the name of the API token the
 * authentication hook (plugins/access) accepted, or `user:<name>` for a person logged in. Every
 * write route takes an admin, so there always is one. Token names cannot hold a colon, so no
 * token can pass for a person.
 */
export function requestActor(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === 'user') return `user:${principal.user.name}`;
  if (principal?.kind !== 'token') throw HttpProblem.unauthorized('This route needs an API token or a session');
  return principal.token.name;
}

/** The agent the authentication hook (plugins/access) accepted for this request. */
export function authenticatedAgent(request: FastifyRequest): Agent {
  if (!request.agent) throw HttpProblem.unauthorized('Agent token required');
  return request.agent;
}
