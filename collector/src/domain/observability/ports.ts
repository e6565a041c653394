/**
 * What the collector reports about itself while it works, in the domain's words. The domain
 * calls an observer at the moments that matter (a push stored, a run finished, a webhook
 * attempt); the edge decides what to make of it (Prometheus metrics today). Nothing here knows
 * of a metrics library.
 */

/**
 * How an agent's push arrived: a full snapshot, a delta against the last one stored, or a delta
 * the collector could not apply to its copy (the agent then sends the snapshot in full).
 */
export type IngestKind = 'full' | 'delta' | 'resync';

/** What became of a push: stored, recognised as already stored, or refused. */
export type IngestOutcome = 'stored' | 'duplicate' | 'refused';

export const INGEST_KINDS: readonly IngestKind[] = ['full', 'delta', 'resync'];
export const INGEST_OUTCOMES: readonly IngestOutcome[] = ['stored', 'duplicate', 'refused'];

export type ReconciliationOutcome = 'succeeded' | 'failed';

/** One webhook POST: delivered, failed and to be retried, or failed for the last time. */
export type WebhookAttemptOutcome = 'delivered' | 'retrying' | 'given_up';

export interface CollectorObserver {
  /** A push was answered; `seconds` from its arrival at the domain to its durable commit (or refusal). */
  ingested(kind: IngestKind, outcome: IngestOutcome, seconds: number): void;
  /** A reconciliation run in this process ended (a run refused because another is running is not one). */
  reconciled(outcome: ReconciliationOutcome, seconds: number): void;
  webhookAttempt(outcome: WebhookAttemptOutcome): void;
}

/** The observer when nobody watches: admin commands, benchmarks, tests that do not look. */
export const unobserved: CollectorObserver = {
  ingested() {},
  reconciled() {},
  webhookAttempt() {},
};
