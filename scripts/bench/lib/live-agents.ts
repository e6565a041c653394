import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type CollectorLiveMessage, LIVE_CHANNEL_PATH, type Snapshot, type SnapshotDelta } from '@stocktake/shared';
import { ROOT } from './report.ts';

/** What the benchmarks use of a ws client socket. */
interface ClientSocket {
  readonly readyState: number;
  send(data: string, callback: (err?: Error) => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  once(event: 'open', listener: () => void): void;
  once(event: 'error', listener: (err: Error) => void): void;
  once(event: 'unexpected-response', listener: (req: { destroy(): void }, res: { statusCode?: number }) => void): void;
  close(): void;
  terminate(): void;
}
type ClientSocketClass = new (url: string, options: { headers: Record<string, string> }) => ClientSocket;

// The scripts have no ws dependency of their own: the client is the agent's (the agent's live channel uses it).
const WebSocketClient = createRequire(join(ROOT, 'agent', 'package.json'))('ws') as ClientSocketClass;

export type Ack = Extract<CollectorLiveMessage, { type: 'ack' }>;

/**
 * One agent's live channel to a collector, from the benchmark process: sends snapshots and
 * deltas and resolves each with the collector's ack (rejects with its error answer).
 */
export class LiveAgent {
  private readonly waiting = new Map<string, { resolve: (ack: Ack) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  private constructor(private readonly socket: ClientSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as CollectorLiveMessage;
      if (message.type !== 'ack' && message.type !== 'error') return;
      const pending = this.waiting.get(message.id);
      if (!pending) return;
      this.waiting.delete(message.id);
      if (message.type === 'ack') pending.resolve(message);
      else pending.reject(new Error(`${message.status} ${JSON.stringify(message.problem).slice(0, 300)}`));
    });
    socket.on('error', () => {});
    socket.on('close', (code, reason) => {
      for (const pending of this.waiting.values()) {
        pending.reject(new Error(`live channel closed (${code} ${reason.toString()})`));
      }
      this.waiting.clear();
    });
  }

  static open(baseUrl: string, token: string): Promise<LiveAgent> {
    const socket = new WebSocketClient(`${baseUrl.replace(/^http/, 'ws')}${LIVE_CHANNEL_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new LiveAgent(socket)));
      socket.once('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(`live channel refused: HTTP ${res.statusCode}`));
      });
      socket.once('error', reject);
    });
  }

  /** Sends an already serialised message body (`snapshot` or `delta`); resolves with the ack. */
  private request(kind: 'snapshot' | 'delta', body: string): { bytes: number; ack: Promise<Ack> } {
    const id = String(this.nextId++);
    // The payload is spliced in as sent, so the benchmark serialises each snapshot once, as over HTTP.
    const message = `{"type":"${kind}","id":"${id}","${kind}":${body}}`;
    const ack = new Promise<Ack>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.send(message, (err) => {
        if (!err) return;
        this.waiting.delete(id);
        reject(err);
      });
    });
    return { bytes: Buffer.byteLength(message), ack };
  }

  snapshot(body: string | Snapshot): { bytes: number; ack: Promise<Ack> } {
    return this.request('snapshot', typeof body === 'string' ? body : JSON.stringify(body));
  }

  delta(body: string | SnapshotDelta): { bytes: number; ack: Promise<Ack> } {
    return this.request('delta', typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** Closes the channel; resolves once the socket is closed (its file descriptor freed). */
  close(): Promise<void> {
    if (this.socket.readyState === CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.on('close', () => resolve()));
    this.socket.close();
    return closed;
  }
}

const CLOSED = 3;

/**
 * The live channels of a changing set of agents: `hold` closes the channels of agents no longer
 * wanted, then opens those missing. One process cannot hold a channel per agent of a large
 * fleet (each is an open file on both sides, and the open-file limit is per process).
 */
export class LiveChannels {
  private readonly open = new Map<number, LiveAgent>();

  constructor(
    private readonly baseUrl: string,
    private readonly tokenOf: (agent: number) => string,
  ) {}

  async hold(agents: readonly number[]): Promise<void> {
    const wanted = new Set(agents);
    const leaving = [...this.open].filter(([i]) => !wanted.has(i));
    for (const [i] of leaving) this.open.delete(i);
    await Promise.all(leaving.map(([, channel]) => channel.close()));
    const missing = agents.filter((i) => !this.open.has(i));
    const opened = await openLiveAgents(this.baseUrl, missing.map(this.tokenOf));
    missing.forEach((agent, k) => {
      const channel = opened[k];
      if (channel) this.open.set(agent, channel);
    });
  }

  get(agent: number): LiveAgent | undefined {
    return this.open.get(agent);
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): Promise<void> {
    return this.hold([]);
  }
}

/** Opens one live channel per agent, `parallel` handshakes at a time. */
export async function openLiveAgents(baseUrl: string, tokens: readonly string[], parallel = 16): Promise<LiveAgent[]> {
  const agents: LiveAgent[] = new Array(tokens.length);
  let next = 0;
  const opener = async () => {
    for (;;) {
      const i = next++;
      if (i >= tokens.length) return;
      agents[i] = await LiveAgent.open(baseUrl, tokens[i] as string);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tokens.length) }, opener));
  return agents;
}
