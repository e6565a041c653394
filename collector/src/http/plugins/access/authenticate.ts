import type { FastifyRequest } from 'fastify';
import type { AgentRow } from '../../../store/sqlite/agents/agents-repository.ts';
import { HttpProblem } from '../problems/problem.ts';

/** The agent the access hook (http/plugins/access) authenticated for this request. */
export function authenticatedAgent(request: FastifyRequest): AgentRow {
  if (!request.agent) throw HttpProblem.unauthorized('Agent token required');
  return request.agent;
}
