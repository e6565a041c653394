import { userInfo } from 'node:os';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from './plugins/problems/problem.ts';

/**
 * Who is making this API request, for the audit log: the name of the API token the
 * authentication hook accepted. Every write route takes an admin token, so there always is one.
 */
export function requestActor(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'token') throw HttpProblem.unauthorized('This route needs an API token');
  return principal.token.name;
}

/** Who runs the command line: the operating-system user. */
export function cliActor(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `cli:${name}`;
}
