import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type CollectorClient, CollectorError } from '../client.ts';
import { type Credentials, loadCredentials, saveCredentials } from '../state.ts';
import { AGENT_VERSION } from '../version.ts';

/**
 * The agent's identity with one collector: enrols once with the secret, keeps the token
 * (0600), and enrols again when the collector says the token is unknown or revoked.
 */
export class Session {
  private pending: Promise<Credentials> | undefined;
  /** Set when this process enrolled (first time or again). */
  enrolledNow = false;

  private constructor(
    readonly client: CollectorClient,
    private readonly stateDir: string,
    private readonly enrollSecret: string | undefined,
    private readonly log: Logger,
    private current: Credentials | undefined,
    private readonly onEnrolled: ((credentials: Credentials) => void) | undefined,
  ) {}

  static async open(options: {
    client: CollectorClient;
    stateDir: string;
    enrollSecret?: string;
    log: Logger;
    /** After each enrolment (the live channel reconnects with the new token). */
    onEnrolled?: (credentials: Credentials) => void;
  }): Promise<Session> {
    const stored = await loadCredentials(options.stateDir);
    // Credentials from another collector are no use here.
    const usable = stored && stored.serverUrl === options.client.serverUrl ? stored : undefined;
    return new Session(options.client, options.stateDir, options.enrollSecret, options.log, usable, options.onEnrolled);
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

  /**
   * The collector refused `staleToken`. Enrols again unless another caller already did
   * (the live channel and the sender can both hit the same revocation).
   */
  async reenrol(staleToken: string): Promise<Credentials> {
    if (this.current && this.current.agentToken !== staleToken) return this.current;
    this.log.warn({ agentId: this.current?.agentId }, 'token refused; enrolling again');
    this.current = undefined;
    return this.enrol();
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
      ...response,
      enrolledAt: new Date().toISOString(),
    };
    await saveCredentials(this.stateDir, credentials);
    this.current = credentials;
    this.enrolledNow = true;
    this.log.info({ agentId: response.agentId, serverUrl: this.client.serverUrl }, 'enrolled');
    this.onEnrolled?.(credentials);
    return credentials;
  }
}
