import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../problems/problem.ts';
import type { AgentRow } from './agents-repository.ts';

/** The agent the access hook (plugins/app/access) authenticated for this request. */
export function authenticatedAgent(request: FastifyRequest): AgentRow {
  if (!request.agent) throw HttpProblem.unauthorized('Agent token required');
  return request.agent;
}
