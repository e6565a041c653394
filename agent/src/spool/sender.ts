import { type AgentMessage, isFinalRefusal, ProblemTypes, type SnapshotAck } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { type CollectorClient, CollectorError } from '../client.ts';
import type { Session } from '../live/session.ts';
import { backoffDelay } from './backoff.ts';
import type { Outbox } from './outbox.ts';
import type { SpoolEntry } from './spool.ts';

export interface SenderOptions {
  outbox: Outbox;
  session: Session;
  client: CollectorClient;
  log: Logger;
  retry: { minMs: number; maxMs: number };
  /** Called after each acknowledged message and each change of state worth reporting. */
  onChange?: () => void;
  onDelivered?: (entry: SpoolEntry, ack: SnapshotAck) => void;
  /** A message the collector refused for good (a refusal the contract names final) and that was dropped. */
  onDropped?: (entry: SpoolEntry, error: CollectorError) => void;
  /** One pass only (`once`): a failure is returned, not retried on a timer. */
  oneShot?: boolean;
  random?: () => number;
}

export interface DeliveryState {
  lastSuccessAt?: string;
  lastSnapshotId?: string;
  deviceId?: string;
  lastError?: string;
  lastErrorAt?: string;
  /** When the next attempt is due, while waiting after a failure (epoch ms). */
  retryAt?: number;
}

/** Why the head of the outbox did not go out. */
type Outcome = { next: 'continue' } | { next: 'retry'; error: Error };

/** How long a failure asked to wait, when it did (`Retry-After`, or the re-enrolment interval). */
const askedWait = (error: Error): number | undefined =>
  error instanceof CollectorError ? error.retryAfterMs : undefined;

/**
 * Delivers the outbox in order, one message at a time. Only a valid acknowledgement of the
 * message sent deletes the entry; `resync` rewrites it in full and sends again at once; a
 * message the collector refuses in a way the contract names final (FINAL_REFUSALS) is dropped
 * (the chain continues in full); anything else keeps it and waits, with exponential backoff
 * and jitter, and at least as long as `Retry-After` asks. Never two sends at once.
 */
export class Sender {
  readonly state: DeliveryState = {};
  private running: Promise<Error | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private abort: AbortController | undefined;
  private stopped = false;
  /** Refusals of a token since the last delivery: a second one in a row waits instead of enrolling in a loop. */
  private refusedTokens = 0;
  private readonly random: () => number;

  constructor(private readonly options: SenderOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Sends what is queued now, unless a send is already under way (it will see new entries). */
  kick(): Promise<Error | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.timer = undefined;
    delete this.state.retryAt;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A retry that came due while the machine slept: the timer has not fired yet, the clock says it should have. */
  kickIfOverdue(now = Date.now()): void {
    if (this.state.retryAt !== undefined && now >= this.state.retryAt) void this.kick();
  }

  /** Stops sending: waits up to `graceMs` for the send under way, then abandons it (it is resent at the next start). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.running) return;
    const abandon = setTimeout(() => this.abort?.abort(new Error('agent stopping')), graceMs);
    await this.running;
    clearTimeout(abandon);
  }

  /** Sends until the outbox is empty or a failure says to wait; returns that failure. */
  private async drain(): Promise<Error | undefined> {
    const { outbox } = this.options;
    for (;;) {
      const entry = outbox.head;
      if (!entry || this.stopped) {
        if (!entry) {
          this.attempt = 0;
          this.refusedTokens = 0;
        }
        return undefined;
      }
      outbox.inFlight = entry.seq;
      let outcome: Outcome;
      try {
        outcome = await this.sendOne(entry);
      } finally {
        outbox.inFlight = undefined;
      }
      if (outcome.next === 'retry') {
        if (!this.stopped) this.scheduleRetry(outcome.error);
        return outcome.error;
      }
    }
  }

  private async sendOne(entry: SpoolEntry): Promise<Outcome> {
    const { outbox, session, client, log } = this.options;
    let token: string;
    try {
      const credentials = await session.ensureEnrolled();
      token = credentials.agentToken;
      const message: AgentMessage = outbox.read(entry);
      // Queued before enrolment, or before a re-enrolment: the id is the one holding the token now.
      message.agent.id = credentials.agentId;
      this.abort = new AbortController();
      const ack: SnapshotAck =
        message.kind === 'full'
          ? await client.pushSnapshot(message, token, this.abort.signal)
          : await client.pushDelta(message, token, this.abort.signal);
      outbox.acknowledge(entry, ack);
      // Delivered whatever happens to this write: a token not marked accepted only costs a re-enrolment's caution.
      await session.confirm(token).catch((err: unknown) => log.warn({ err }, 'cannot record the token as accepted'));
      this.attempt = 0;
      this.refusedTokens = 0;
      Object.assign(this.state, {
        lastSuccessAt: new Date().toISOString(),
        lastSnapshotId: entry.snapshotId,
        deviceId: ack.deviceId,
      });
      log.info(
        { snapshotId: entry.snapshotId, kind: entry.kind, deviceId: ack.deviceId, duplicate: ack.duplicate },
        'snapshot delivered',
      );
      this.options.onDelivered?.(entry, ack);
      this.options.onChange?.();
      return { next: 'continue' };
    } catch (err) {
      if (!(err instanceof CollectorError)) {
        log.error({ err, snapshotId: entry.snapshotId }, 'delivery failed');
        return { next: 'retry', error: err as Error };
      }
      return this.afterRefusal(entry, err, session.credentials?.agentToken);
    } finally {
      this.abort = undefined;
    }
  }

  private async afterRefusal(entry: SpoolEntry, err: CollectorError, token: string | undefined): Promise<Outcome> {
    const { outbox, session, log } = this.options;
    switch (err.kind) {
      case 'resync': {
        // Only a delta can need a full snapshot; asked of a full one, it would loop without end.
        if (entry.kind === 'full') return { next: 'retry', error: err };
        log.info({ snapshotId: entry.snapshotId, reason: err.message }, 'collector asks for a full snapshot');
        if (!outbox.toFull(entry)) outbox.drop(entry);
        return { next: 'continue' };
      }
      case 'unauthorized': {
        if (!token || ++this.refusedTokens > 1) return { next: 'retry', error: err };
        try {
          await session.reenrol(token);
        } catch (enrolError) {
          return { next: 'retry', error: enrolError as Error };
        }
        return { next: 'continue' };
      }
      case 'refused': {
        // Not enrolled and cannot enrol (no secret, wrong secret): keep everything and wait.
        if (err.status === undefined || !session.credentials) return { next: 'retry', error: err };
        if (entry.kind === 'delta' && err.status === 404 && err.problemType === ProblemTypes.notFound) {
          log.warn('collector has no delta route; sending full snapshots');
          outbox.deltasSupported = false;
          if (!outbox.toFull(entry)) outbox.drop(entry);
          return { next: 'continue' };
        }
        // Throttled, forbidden, a proxy's answer, a refusal this agent does not know: the same
        // bytes may be taken later, and dropping them would lose an inventory for good.
        if (!isFinalRefusal(err.status, err.problemType)) return { next: 'retry', error: err };
        // Resending the same bytes cannot succeed; keeping them would block every later snapshot.
        log.error({ snapshotId: entry.snapshotId, kind: entry.kind, reason: err.message }, 'snapshot refused; dropped');
        this.recordError(err);
        outbox.drop(entry);
        this.options.onDropped?.(entry, err);
        return { next: 'continue' };
      }
      default:
        return { next: 'retry', error: err };
    }
  }

  private recordError(err: Error): void {
    this.state.lastError = err.message;
    this.state.lastErrorAt = new Date().toISOString();
  }

  private scheduleRetry(error: Error): void {
    if (this.options.oneShot) {
      this.recordError(error);
      return;
    }
    const backoff = backoffDelay(this.attempt++, this.options.retry.minMs, this.options.retry.maxMs, this.random);
    const delay = Math.max(backoff, askedWait(error) ?? 0);
    this.refusedTokens = 0;
    this.recordError(error);
    this.state.retryAt = Date.now() + delay;
    this.options.log.warn(
      { err: error.message, retryInMs: delay, queued: this.options.outbox.depth },
      'delivery failed; will retry',
    );
    this.timer = setTimeout(() => void this.kick(), delay);
    this.options.onChange?.();
  }
}
