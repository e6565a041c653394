import type { FieldError } from '@stocktake/shared';
import { ValidationError } from '../errors.ts';

/**
 * The delta's base is not what this collector holds for the device: the agent must send a full
 * snapshot (the edge answers 409 with the shared resync problem type, which agents act on).
 */
export class ResyncNeeded extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ResyncNeeded';
  }
}

/** A refusal of what an agent pushed, naming the parts of the body at fault by JSON pointer. */
export function pushRefused(message: string, errors: readonly FieldError[]): ValidationError {
  return new ValidationError(
    message,
    errors.map((e) => ({ field: e.path.replace(/^\//, ''), message: e.message })),
  );
}

/** The snapshot or delta names another agent than the one whose token carried it. */
export function agentMismatch(what: 'Snapshot' | 'Delta'): ValidationError {
  return pushRefused(`${what} agent id does not match the token`, [
    { path: '/agent/id', message: 'is not the id of the agent holding this token' },
  ]);
}
