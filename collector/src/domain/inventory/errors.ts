import type { FieldError } from '@stocktake/shared';
import { ConflictError, ValidationError } from '../errors.ts';

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

/**
 * What an agent reports is blocked by an admin: the device it claims, or its hardware serial.
 * Nothing is stored; the edge answers 403 with the shared enrolment-blocked problem type. The
 * message names neither the device nor who blocked it.
 */
export class EnrolmentBlocked extends Error {
  constructor(readonly what: 'device' | 'serial') {
    super(
      what === 'device'
        ? 'An admin has blocked new agents for this machine; ask them to allow it'
        : 'An admin has blocked agents reporting this hardware serial; ask them to allow it',
    );
    this.name = 'EnrolmentBlocked';
  }
}

/**
 * A snapshot id another agent already used. Refused without saying which device holds it: an
 * agent learns nothing of the fleet by guessing ids.
 */
export class SnapshotIdTaken extends ConflictError {
  constructor() {
    super('This snapshot id is already taken; send the snapshot with a new id', 'snapshotId');
    this.name = 'SnapshotIdTaken';
  }
}

export const snapshotIdTaken = () => new SnapshotIdTaken();
