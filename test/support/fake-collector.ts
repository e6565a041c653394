import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTOR_HEADER, ProblemTypes, RESYNC_PROBLEM_TYPE } from '@stocktake/shared/core';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the agent sent to the snapshot and delta routes, parsed. */
export interface ReceivedMessage {
  kind: 'full' | 'delta';
  snapshotId: string;
  baseSnapshotId?: string;
  agent: { id?: string };
}

/**
 * Answers a test may put in place of the honest one: return true when it answered. Runs for
 * every request, after the body is read and recorded.
 */
export type Override = (request: ReceivedRequest, res: ServerResponse, collector: FakeCollector) => boolean;

/**
 * An HTTP server on 127.0.0.1 that answers the agent routes as a collector does (enrolment,
 * tokens, snapshots stored once by id, deltas on the last stored snapshot or a resync), unless
 * `override` answers first: a collector, or whatever sits at its URL, misbehaving on purpose.
 */
export class FakeCollector {
  readonly requests: ReceivedRequest[] = [];
  readonly stored: ReceivedMessage[] = [];
  readonly enrolments: { agentId: string; agentToken: string }[] = [];
  readonly validTokens = new Set<string>();
  /** Extra members the enrolment answer carries (the agent must not keep them). */
  enrolExtras: Record<string, unknown> = {};
  override: Override | undefined;
  url = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((done) => this.server?.close(done));
  }

  /** Every token issued so far stops working, as when an admin revokes the agent. */
  revokeAll(): void {
    this.validTokens.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      res.setHeader(COLLECTOR_HEADER, 'fake');
      if (this.override?.(request, res, this)) return;
      this.answer(request, res);
    });
  }

  private answer(request: ReceivedRequest, res: ServerResponse): true {
    if (request.method === 'POST' && request.url === '/api/v1/agent/enroll') {
      const enrolled = { agentId: randomUUID(), agentToken: `sta_${randomBytes(24).toString('base64url')}` };
      this.enrolments.push(enrolled);
      this.validTokens.add(enrolled.agentToken);
      return json(res, 201, { ...enrolled, ...this.enrolExtras });
    }
    const route = /^\/api\/v1\/agent\/(snapshots|deltas)$/.exec(request.url);
    if (request.method !== 'POST' || !route) {
      return problem(res, 404, ProblemTypes.notFound, `No route ${request.method} ${request.url}`);
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !this.validTokens.has(token)) {
      return problem(res, 401, ProblemTypes.unauthorized, token ? 'Unknown or revoked token' : 'Missing bearer token');
    }
    const message = JSON.parse(request.body) as ReceivedMessage;
    const ack = (duplicate: boolean) => ({ snapshotId: message.snapshotId, deviceId: 'device-1', duplicate });
    if (this.stored.some((s) => s.snapshotId === message.snapshotId)) return json(res, 200, ack(true));
    if (message.kind === 'delta' && message.baseSnapshotId !== this.stored.at(-1)?.snapshotId) {
      return problem(res, 409, RESYNC_PROBLEM_TYPE, 'The base snapshot is not the last one stored');
    }
    this.stored.push(message);
    return json(res, 201, ack(false));
  }
}

export function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}

export function problem(res: ServerResponse, status: number, type: string, detail: string): true {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type, title: detail, status, detail }));
  return true;
}
