import type { RunRecord } from './ports.ts';

/** A run was asked for while another is in progress (here or in another process). */
export class RunInProgressError extends Error {
  constructor(readonly run: RunRecord) {
    super(`Reconciliation run ${run.id} is in progress (started ${run.startedAt} by ${run.actor})`);
    this.name = 'RunInProgressError';
  }
}

/** A status change a finding cannot make (a resolved finding, a snooze without a future date). */
export class FindingTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FindingTransitionError';
  }
}
