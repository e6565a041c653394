import { createRequire } from 'node:module';
import type { WebSocket } from '@fastify/websocket';
import { type CollectorLiveMessage, LIVE_CHANNEL_PATH } from '@stocktake/shared';

type WebSocketClass = new (url: string, options?: { headers?: Record<string, string> }) => WebSocket;

// The collector has no ws dependency of its own: the client is the ws @fastify/websocket serves with.
const requireHere = createRequire(import.meta.url);
const WebSocketClient = createRequire(requireHere.resolve('@fastify/websocket'))('ws') as WebSocketClass;

export type Answer = Extract<CollectorLiveMessage, { type: 'ack' | 'error' }>;

/** A real websocket client on a collector's live channel, over TCP, answering requests by id. */
export class LiveClient {
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  /** Every message the collector sent, in order of arrival. */
  readonly received: CollectorLiveMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Called on each ack or error as it arrives, before the request's promise settles. */
  onAnswer: ((answer: Answer) => void) | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as CollectorLiveMessage;
      this.received.push(message);
      if (message.type === 'ack' || message.type === 'error') {
        this.onAnswer?.(message);
        this.waiting.get(message.id)?.(message);
        this.waiting.delete(message.id);
      }
    });
    // A write the collector cut short (an oversized frame) surfaces here; the close code says why.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens the channel; rejects with the HTTP status when the upgrade is refused. */
  static open(baseUrl: string, token: string): Promise<LiveClient> {
    const socket = new WebSocketClient(`${baseUrl.replace(/^http/, 'ws')}${LIVE_CHANNEL_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new LiveClient(socket)));
      socket.once('unexpected-response', (req, res) => {
        // Listening for this event makes ending the refused request ours to do.
        req.destroy();
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
      });
      socket.once('error', reject);
    });
  }

  /** Sends a message (or raw text) without waiting for anything. */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a message with an id and resolves with the collector's answer to that id. */
  request(message: { id: string } & Record<string, unknown>): Promise<Answer> {
    const answered = new Promise<Answer>((resolve) => this.waiting.set(message.id, resolve));
    this.send(message);
    return answered;
  }

  close(): void {
    this.socket.terminate();
  }
}
