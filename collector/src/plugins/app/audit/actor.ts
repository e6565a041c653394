import { userInfo } from 'node:os';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../problems/problem.ts';
import { hasControlChars } from '../register/text.ts';

/** Header naming the person or tool behind an API request, until authentication (issue 8) names it. */
export const ACTOR_HEADER = 'x-stocktake-actor';

/** Discovery (agents' reports) as the author of register changes it makes. */
export const DISCOVERY_ACTOR = 'discovery';

/**
 * Who is making this API request, for the audit log. The one place issue 8 replaces with the
 * name of the authenticated token.
 */
export function requestActor(request: FastifyRequest): string {
  const raw = request.headers[ACTOR_HEADER];
  if (raw === undefined) return 'api';
  const value = Array.isArray(raw) ? raw[0] : raw;
  const actor = value?.trim() ?? '';
  // Printable, bounded: it lands in every audit row and in logs.
  if (actor === '' || actor.length > 128 || hasControlChars(actor)) {
    throw HttpProblem.validation(`The ${ACTOR_HEADER} header must be 1 to 128 printable characters`, [
      { path: `/headers/${ACTOR_HEADER}`, message: 'must be 1 to 128 printable characters' },
    ]);
  }
  return actor;
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
