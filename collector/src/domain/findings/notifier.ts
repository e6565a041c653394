import type { FindingSeverity } from '@stocktake/shared/api';
import type { CollectorObserver } from '../observability/ports.ts';
import type { Policy } from './policies.ts';
import type { OpenedFinding, RunRecord } from './ports.ts';
import { atLeast } from './severity.ts';

export interface WebhookTarget {
  url: string;
  minSeverity: FindingSeverity;
}

/** The few log calls the notifier makes (pino's signature: an object first, a message after). */
export interface NotifierLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Who sends: where deliveries are logged, and the version the payload and user agent name. */
export interface WebhookSender {
  log: NotifierLog;
  collectorVersion: string;
  /** Told of every attempt's outcome (metrics). */
  observer?: Pick<CollectorObserver, 'webhookAttempt'>;
}

export interface WebhookOptions {
  /** Deliveries tried at most this many times in all (default 6). */
  maxAttempts?: number;
  /** Wait before the first retry; doubled each time (default 1 s). */
  baseDelayMs?: number;
  /** Longest wait between two attempts (default 5 min). */
  maxDelayMs?: number;
  /** Time limit of one attempt (default 10 s). */
  timeoutMs?: number;
  /** Findings per POST (default 500), so a first run over a big fleet does not send one huge body. */
  batchSize?: number;
}

export interface WebhookPayload {
  event: 'findings.opened';
  collectorVersion: string;
  run: { id: number; trigger: string; startedAt: string; finishedAt: string | null };
  batch: { index: number; of: number };
  findings: (OpenedFinding & { href: string })[];
}

/** Whether a failed attempt is worth repeating: the network, a timeout, throttling or a server error. */
const retryable = (status: number | undefined) =>
  status === undefined || status === 408 || status === 429 || status >= 500;

/**
 * Posts newly opened findings at or above a severity to a webhook, in the background: the run
 * that opened them never waits. Each batch is retried with exponential backoff (1 s, 2 s, 4 s,
 * ... up to a bound) and given up after the last attempt, with a log line either way.
 * `target` is asked at each run, so a policy change takes effect at the next run.
 */
export function createWebhookNotifier(
  target: (policy: Policy) => WebhookTarget | undefined,
  sender: WebhookSender,
  options: WebhookOptions = {},
) {
  const { log, collectorVersion } = sender;
  const observe = (outcome: Parameters<CollectorObserver['webhookAttempt']>[0]) =>
    sender.observer?.webhookAttempt(outcome);
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 5 * 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 500;
  const inFlight = new Set<Promise<void>>();
  const sleepers = new Map<NodeJS.Timeout, () => void>();
  const controller = new AbortController();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleepers.delete(timer);
        resolve();
      }, ms);
      sleepers.set(timer, resolve);
    });

  async function deliver(url: string, payload: WebhookPayload, deliveryId: string): Promise<void> {
    const body = JSON.stringify(payload);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (controller.signal.aborted) return;
      let status: number | undefined;
      let reason: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': `stocktake-collector/${collectorVersion}`,
            'x-stocktake-delivery': deliveryId,
            'x-stocktake-attempt': String(attempt),
          },
          body,
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
        });
        status = res.status;
        await res.body?.cancel();
        if (res.ok) {
          observe('delivered');
          log.info({ deliveryId, attempt, findings: payload.findings.length }, 'webhook delivered');
          return;
        }
        reason = `HTTP ${res.status}`;
      } catch (err) {
        if (controller.signal.aborted) return;
        reason = (err as Error).message;
      }
      if (!retryable(status) || attempt === maxAttempts) {
        observe('given_up');
        log.warn({ deliveryId, attempt, reason }, 'webhook delivery given up');
        return;
      }
      observe('retrying');
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      log.info({ deliveryId, attempt, reason, retryInMs: delay }, 'webhook delivery failed; retrying');
      await sleep(delay);
    }
  }

  return {
    /** Queues the findings the run opened; returns at once. */
    notify(opened: readonly OpenedFinding[], run: RunRecord, policy: Policy): void {
      const to = target(policy);
      if (!to) return;
      const selected = opened.filter((f) => atLeast(f.severity, to.minSeverity));
      if (selected.length === 0) return;
      const batches = Math.ceil(selected.length / batchSize);
      for (let i = 0; i < batches; i++) {
        const payload: WebhookPayload = {
          event: 'findings.opened',
          collectorVersion: collectorVersion,
          run: { id: run.id, trigger: run.trigger, startedAt: run.startedAt, finishedAt: run.finishedAt },
          batch: { index: i + 1, of: batches },
          findings: selected
            .slice(i * batchSize, (i + 1) * batchSize)
            .map((f) => ({ ...f, href: `/api/v1/findings/${f.id}` })),
        };
        const delivery = deliver(to.url, payload, `run-${run.id}-${i + 1}`).catch((err: unknown) =>
          log.error({ err }, 'webhook delivery failed unexpectedly'),
        );
        inFlight.add(delivery);
        void delivery.finally(() => inFlight.delete(delivery));
      }
    },

    /** Resolves when every queued delivery has succeeded or been given up (for the command line). */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    /** Abandons pending deliveries (collector shutting down). */
    close(): void {
      controller.abort();
      // Wake the deliveries waiting to retry: they see the abort and stop.
      for (const [timer, wake] of sleepers) {
        clearTimeout(timer);
        wake();
      }
      sleepers.clear();
    },
  };
}

export type WebhookNotifier = ReturnType<typeof createWebhookNotifier>;
