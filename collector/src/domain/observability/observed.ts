import type { SnapshotAck } from '@stocktake/shared';
import { RunInProgressError } from '../findings/errors.ts';
import type { Reconciliation } from '../findings/reconciliation-service.ts';
import type { AgentIngest } from '../inventory/agent-ingest.ts';
import { ResyncNeeded } from '../inventory/errors.ts';
import type { CollectorObserver } from './ports.ts';

const secondsSince = (started: number) => (performance.now() - started) / 1000;

/**
 * Agent ingest that tells the observer how each push ended and how long it took to be
 * answered (stored durably, or refused). The answers themselves are unchanged.
 */
export function observeIngest(ingest: AgentIngest, observer: CollectorObserver): AgentIngest {
  const observed = (kind: 'full' | 'delta', push: Promise<SnapshotAck>, started: number): Promise<SnapshotAck> =>
    push.then(
      (ack) => {
        observer.ingested(kind, ack.duplicate ? 'duplicate' : 'stored', secondsSince(started));
        return ack;
      },
      (err: unknown) => {
        // A delta against another base is its own kind: the agent follows it with the snapshot in full.
        observer.ingested(err instanceof ResyncNeeded ? 'resync' : kind, 'refused', secondsSince(started));
        throw err;
      },
    );
  return {
    snapshot: (agent, snapshot, ctx) => {
      const started = performance.now();
      return observed('full', ingest.snapshot(agent, snapshot, ctx), started);
    },
    delta: (agent, delta, ctx) => {
      const started = performance.now();
      return observed('delta', ingest.delta(agent, delta, ctx), started);
    },
  };
}

/** Reconciliation that tells the observer how each run it starts ends, and how long it took. */
export function observeReconciliation(reconciliation: Reconciliation, observer: CollectorObserver): Reconciliation {
  return {
    ...reconciliation,
    run: async (options) => {
      const started = performance.now();
      try {
        const run = await reconciliation.run(options);
        observer.reconciled('succeeded', secondsSince(started));
        return run;
      } catch (err) {
        // Refused because another run holds the lock: nothing ran here.
        if (!(err instanceof RunInProgressError)) observer.reconciled('failed', secondsSince(started));
        throw err;
      }
    },
  };
}
