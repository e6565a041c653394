import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type CollectorClient, CollectorError } from '../client.ts';
import { type Credentials, openCredentials, saveCredentials } from '../state.ts';
import { AGENT_VERSION } from '../version.ts';

/** An agent whose token is refused enrols again at most this often. */
export const REENROL_INTERVAL_MS = 3_600_000;

/**
 * The agent's identity with one collector: enrols once with the secret, keeps the token
 * (0600), and enrols again when the collector says the token is unknown or revoked, at most
 * once an hour, and never for a token the collector refused before ever accepting it.
 */
export class Session {
  private pending: Promise<Credentials> | undefined;
  /** Set when this process enrolled (first time or again). */
  enrolledNow = false;
  /** When this process last tried to enrol again (the stored enrolledAt covers earlier processes). */
  private lastReenrolAttempt: number | undefined;
  /** The token whose refusal was last logged as a stripped header, to say it once. */
  private reportedStrippedToken: string | undefined;

  private constructor(
    readonly client: CollectorClient,
    private readonly stateDir: string,
    private readonly enrollSecret: string | undefined,
    private readonly log: Logger,
    private current: Credentials | undefined,
    private readonly onEnrolled: ((credentials: Credentials) => void) | undefined,
    private readonly now: () => number,
  ) {}

  static async open(options: {
    client: CollectorClient;
    stateDir: string;
    enrollSecret?: string;
    log: Logger;
    /** After each enrolment (the live channel reconnects with the new token). */
    onEnrolled?: (credentials: Credentials) => void;
    now?: () => number;
  }): Promise<Session> {
    const stored = openCredentials(options.stateDir, options.log);
    // Credentials from another collector are no use here.
    const usable = stored && stored.serverUrl === options.client.serverUrl ? stored : undefined;
    return new Session(
      options.client,
      options.stateDir,
      options.enrollSecret,
      options.log,
      usable,
      options.onEnrolled,
      options.now ?? Date.now,
    );
  }

  get credentials(): Credentials | undefined {
    return this.current;
  }

  get canEnrol(): boolean {
    return this.enrollSecret !== undefined;
  }

  async ensureEnrolled(): Promise<Credentials> {
    return this.current ?? this.enrol();
  }

  /** The collector accepted `token`: from now on a refusal of it means revoked, not stripped. */
  async confirm(token: string): Promise<void> {
    const current = this.current;
    if (!current || current.confirmed || current.agentToken !== token) return;
    this.current = { ...current, confirmed: true };
    await saveCredentials(this.stateDir, this.current);
  }

  /**
   * The collector refused `staleToken`. Enrols again unless another caller already did (the
   * live channel and the sender can both meet the same revocation), unless the token was
   * never accepted, or unless the last enrolment is less than an hour old: each of those
   * throws an `unauthorized` CollectorError saying when (or why not), and the caller waits.
   * The stale credentials stay until new ones arrive, so a failed enrolment is not retried
   * at every send.
   */
  async reenrol(staleToken: string): Promise<Credentials> {
    const current = this.current;
    if (current && current.agentToken !== staleToken) return current;
    if (this.pending) return this.pending;
    // Without a secret there is nothing to try: say so.
    if (!this.enrollSecret) return this.enrol();
    if (current && !current.confirmed) throw this.strippedTokenError(current);
    const last = Math.max(
      current ? Date.parse(current.enrolledAt) : Number.NEGATIVE_INFINITY,
      this.lastReenrolAttempt ?? Number.NEGATIVE_INFINITY,
    );
    const waitMs = last + REENROL_INTERVAL_MS - this.now();
    if (waitMs > 0) {
      throw new CollectorError(
        `collector refused the agent's token; enrolling again at most once an hour, next at ${new Date(this.now() + waitMs).toISOString()}`,
        'unauthorized',
        401,
        { retryAfterMs: waitMs },
      );
    }
    this.lastReenrolAttempt = this.now();
    this.log.warn({ agentId: current?.agentId }, 'token refused; enrolling again');
    return this.enrol();
  }

  /**
   * A token refused before the collector ever accepted it: it was issued a moment ago, so the
   * collector never saw it. A proxy that strips `Authorization` does this, and enrolling again
   * would make one more agent per attempt. The agent keeps its queue and keeps trying the same
   * token, which works as soon as the header gets through.
   */
  private strippedTokenError(current: Credentials): CollectorError {
    const message = `collector refused the token it issued at ${current.enrolledAt} before ever accepting it: something between the agent and the collector (a proxy?) drops the Authorization header; not enrolling again`;
    if (this.reportedStrippedToken !== current.agentToken) {
      this.reportedStrippedToken = current.agentToken;
      this.log.error({ agentId: current.agentId, serverUrl: this.client.serverUrl }, message);
    }
    return new CollectorError(message, 'unauthorized', 401);
  }

  private enrol(): Promise<Credentials> {
    this.pending ??= this.enrolOnce().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async enrolOnce(): Promise<Credentials> {
    if (!this.enrollSecret) {
      throw new CollectorError(
        `not enrolled with ${this.client.serverUrl}: pass --enroll-secret (or STOCKTAKE_ENROLL_SECRET)`,
        'refused',
      );
    }
    const response = await this.client.enroll({
      enrollSecret: this.enrollSecret,
      hostname: hostname(),
      agentVersion: AGENT_VERSION,
      platform: process.platform,
    });
    const credentials: Credentials = {
      serverUrl: this.client.serverUrl,
      agentId: response.agentId,
      agentToken: response.agentToken,
      enrolledAt: new Date(this.now()).toISOString(),
      confirmed: false,
    };
    await saveCredentials(this.stateDir, credentials);
    this.current = credentials;
    this.enrolledNow = true;
    this.log.info({ agentId: response.agentId, serverUrl: this.client.serverUrl }, 'enrolled');
    this.onEnrolled?.(credentials);
    return credentials;
  }
}
