import type { Agent } from 'node:http';
import {
  type AgentLiveMessage,
  COLLECTOR_HEADER,
  LIVE_CHANNEL_PATH,
  validateCollectorLiveMessage,
} from '@stocktake/shared';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { parseRetryAfter } from '../retry-after.ts';
import { backoffDelay } from '../spool/backoff.ts';

/** Largest message the agent takes from the collector: refresh requests, acks and errors are far smaller. */
export const MAX_LIVE_MESSAGE_BYTES = 1024 * 1024;

export interface LiveChannelOptions {
  serverUrl: string;
  /** The current token, or undefined before enrolment (the channel waits). */
  token: () => string | undefined;
  heartbeatMs: number;
  retry: { minMs: number; maxMs: number };
  log: Logger;
  /** The collector asks for an inventory now. */
  onRefresh: (requestId: string) => void;
  /** The collector accepted `token` (the socket opened). */
  onAccepted?: (token: string) => void;
  /** The collector refused the token at the upgrade. */
  onUnauthorized: (token: string) => Promise<void>;
  /** Connected or disconnected. */
  onChange?: (connected: boolean) => void;
  /** Extra facts for each heartbeat. */
  heartbeatFacts?: () => Pick<AgentLiveMessage & { type: 'heartbeat' }, 'nextRunAt' | 'spoolDepth'>;
  random?: () => number;
  /** The CA bundle and proxy tunnel the HTTP client uses too (network/websocket-options.ts). */
  socketOptions?: { ca?: string[]; agent?: Agent };
}

/**
 * The websocket to the collector: heartbeats, refresh requests, reconnects with backoff and
 * jitter. Optional by design: snapshots go over HTTP whatever happens here, so a proxy that
 * drops websockets only costs presence and refresh.
 */
export class LiveChannel {
  private socket: WebSocket | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;
  private awaitingPong = false;
  /** Wait at least this long before the next attempt (the upgrade's `Retry-After`). */
  private waitAtLeastMs = 0;
  connected = false;

  constructor(private readonly options: LiveChannelOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Connect now if waiting to retry (the collector just answered over HTTP, or a token arrived). */
  nudge(): void {
    if (this.stopped || this.socket) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.connect();
  }

  /** Drops the current socket and connects again now (a new token after enrolment). */
  restart(): void {
    if (this.stopped) return;
    this.stop();
    this.start();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => {});
      if (socket.readyState === WebSocket.OPEN) socket.close(1001, 'agent stopping');
      else socket.terminate();
    }
    this.setConnected(false);
  }

  private url(): string {
    const url = new URL(LIVE_CHANNEL_PATH, this.options.serverUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  private connect(): void {
    if (this.stopped) return;
    const token = this.options.token();
    if (!token) {
      this.scheduleReconnect('not enrolled yet');
      return;
    }
    const { log } = this.options;
    const socket = new WebSocket(this.url(), {
      ...this.options.socketOptions,
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
      // As over HTTP: the token goes to the collector's own address and nowhere else.
      followRedirects: false,
      maxPayload: MAX_LIVE_MESSAGE_BYTES,
    });
    this.socket = socket;
    let failure = 'closed';

    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      const isCollector = response.headers[COLLECTOR_HEADER] !== undefined;
      response.resume();
      socket.terminate();
      failure = `HTTP ${status} at the upgrade`;
      this.waitAtLeastMs = parseRetryAfter(response.headers['retry-after']) ?? 0;
      if (status >= 300 && status < 400) {
        const location = response.headers.location;
        failure = `${this.url()} answered HTTP ${status} at the upgrade, a redirect to ${location ?? 'nowhere'}; not followed`;
        log.warn({ status, location }, `live channel: ${failure}`);
      }
      if (status === 401 && isCollector) {
        this.options.onUnauthorized(token).then(
          () => this.nudge(),
          (err: unknown) => log.warn({ err }, 'live channel: enrolling again failed'),
        );
      }
    });
    socket.on('open', () => {
      this.attempt = 0;
      this.options.onAccepted?.(token);
      this.awaitingPong = false;
      this.setConnected(true);
      log.info('live channel connected');
      this.sendHeartbeat();
      this.heartbeatTimer = setInterval(() => this.beat(), this.options.heartbeatMs);
    });
    socket.on('pong', () => {
      this.awaitingPong = false;
    });
    socket.on('message', (data, isBinary) => {
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const message = validateCollectorLiveMessage(parsed);
      if (!message.ok) {
        log.warn({ errors: message.ok ? [] : message.errors }, 'live channel: unknown message ignored');
        return;
      }
      if (message.value.type === 'refresh') {
        const { requestId } = message.value;
        this.send({ type: 'refresh-accepted', requestId });
        this.options.onRefresh(requestId);
      }
    });
    socket.on('error', (err) => {
      failure = err.message;
    });
    socket.on('close', (code) => {
      clearInterval(this.heartbeatTimer);
      if (this.socket === socket) this.socket = undefined;
      const wasConnected = this.connected;
      this.setConnected(false);
      if (wasConnected) log.info({ code }, 'live channel closed');
      this.scheduleReconnect(failure === 'closed' ? `closed (${code})` : failure);
    });
  }

  /** Each interval: a heartbeat, and a ping whose pong must arrive before the next one, or the socket is dead. */
  private beat(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.awaitingPong) {
      this.options.log.info('live channel: no pong; reconnecting');
      socket.terminate();
      return;
    }
    this.awaitingPong = true;
    socket.ping();
    this.sendHeartbeat();
  }

  private sendHeartbeat(): void {
    this.send({ type: 'heartbeat', sentAt: new Date().toISOString(), ...this.options.heartbeatFacts?.() });
  }

  private send(message: AgentLiveMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    const { minMs, maxMs } = this.options.retry;
    const delay = Math.max(backoffDelay(this.attempt++, minMs, maxMs, this.options.random), this.waitAtLeastMs);
    this.waitAtLeastMs = 0;
    this.options.log.debug({ reason, retryInMs: delay }, 'live channel: reconnecting later');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.options.onChange?.(connected);
  }
}
