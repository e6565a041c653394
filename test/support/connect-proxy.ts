import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * An HTTP proxy that only tunnels (CONNECT), as corporate proxies do for HTTPS, and only to
 * loopback. It counts the tunnels it opened and can refuse them (a proxy that says no).
 */
export class ConnectProxy {
  /** `host:port` of every tunnel asked for, in order. */
  readonly tunnels: string[] = [];
  /** Plain requests sent as to a forward proxy: this proxy answers them 405. */
  readonly plainRequests: string[] = [];
  /** Answer CONNECT with this status instead of tunnelling. */
  refuseWith: number | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      this.plainRequests.push(`${req.method} ${req.url}`);
      res.writeHead(405, { connection: 'close' }).end('this proxy only tunnels\n');
    });
    this.server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => this.tunnel(req, client, head));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  start(): Promise<this> {
    return new Promise((done) => this.server.listen(0, '127.0.0.1', () => done(this)));
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((done) => this.server.close(() => done()));
  }

  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    const target = req.url ?? '';
    this.tunnels.push(target);
    const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(target);
    if (this.refuseWith !== undefined || !match?.[2]) {
      client.end(`HTTP/1.1 ${this.refuseWith ?? 403} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const upstream = connect(Number(match[2]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    const closeBoth = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', closeBoth);
    client.on('error', closeBoth);
  }
}
