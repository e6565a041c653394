import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../problems/problem.ts';
import type { AgentRow } from './agents-repository.ts';
import { bearerToken } from './tokens.ts';

/**
 * onRequest hook for agent routes: resolves the bearer token to a live agent, or answers 401.
 * One answer for unknown and revoked tokens: the agent re-enrols either way.
 */
export function agentAuthentication(app: FastifyInstance) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw HttpProblem.unauthorized('Missing bearer token');
    const agent = app.agentsRepository.findByToken(token);
    if (!agent) throw HttpProblem.unauthorized('Agent token is unknown or revoked');
    request.agent = agent;
  };
}

/** The agent the hook above attached. */
export function authenticatedAgent(request: FastifyRequest): AgentRow {
  if (!request.agent) throw HttpProblem.unauthorized('Agent token required');
  return request.agent;
}
