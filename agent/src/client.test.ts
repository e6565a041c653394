import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTOR_HEADER, type Snapshot } from '@stocktake/shared/core';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CollectorClient, CollectorError, createCollectorClient, MAX_ANSWER_BYTES } from './client.ts';

/** A real HTTP server on loopback answering each request with `answer`; records what it got. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((done) => s.close(done));
  }
});

const collectorAnswer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  ((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { [COLLECTOR_HEADER]: '1', 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }) as (req: IncomingMessage, res: ServerResponse) => void;

const enrol = (client: CollectorClient) =>
  client.enroll({ enrollSecret: 's', hostname: 'h', agentVersion: '1', platform: 'linux' });

async function failure(promise: Promise<unknown>): Promise<CollectorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CollectorError);
  return err as CollectorError;
}

describe('the collector client', () => {
  it('follows no redirect, and names where it pointed', async () => {
    const elsewhere = await serve(collectorAnswer(201, { agentId: 'x', agentToken: 'y' }));
    const server = await serve((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/steal` });
      res.end();
    });
    const err = await failure(enrol(createCollectorClient({ serverUrl: server.url })));
    expect(err.kind).toBe('bad-answer');
    expect(err.message).toContain(`a redirect to ${elsewhere.url}/steal`);
    expect(elsewhere.received).toEqual([]);
  });

  it.each([
    ['declared', { 'content-length': String(MAX_ANSWER_BYTES + 1) }],
    ['streamed', {}],
  ])('reads no answer larger than the cap (%s)', async (_how, headers) => {
    const server = await serve((_req, res) => {
      res.writeHead(201, { [COLLECTOR_HEADER]: '1', ...headers });
      res.end(Buffer.alloc(MAX_ANSWER_BYTES + 1, 'x'));
    });
    const err = await failure(enrol(createCollectorClient({ serverUrl: server.url })));
    expect(err.kind).toBe('bad-answer');
    expect(err.message).toContain(`more than ${MAX_ANSWER_BYTES} bytes`);
  });

  it('keeps only the agent id and token of an enrolment, and refuses one without them', async () => {
    const extras = await serve(collectorAnswer(201, { agentId: 'a', agentToken: 't', serverUrl: 'http://evil' }));
    expect(await enrol(createCollectorClient({ serverUrl: extras.url }))).toEqual({ agentId: 'a', agentToken: 't' });
    const empty = await serve(collectorAnswer(201, {}));
    expect((await failure(enrol(createCollectorClient({ serverUrl: empty.url })))).kind).toBe('bad-answer');
  });

  describe('takes only an acknowledgement of the snapshot sent', () => {
    const snapshot: Snapshot = makeSnapshot();
    const push = async (status: number, body: unknown) => {
      const server = await serve(collectorAnswer(status, body));
      return createCollectorClient({ serverUrl: server.url }).pushSnapshot(snapshot, 'token');
    };
    const ack = { snapshotId: snapshot.snapshotId, deviceId: 'd', duplicate: false };

    it('accepts 201 and 200 acknowledging it, keeping only what the contract names', async () => {
      expect(await push(201, { ...ack, nextFullAt: 'never' })).toEqual(ack);
      expect(await push(200, { ...ack, duplicate: true })).toEqual({ ...ack, duplicate: true });
    });

    it.each([
      ['200 {}', 200, {}],
      ['200 with no body', 200, ''],
      ['200 acknowledging another snapshot', 200, { ...ack, snapshotId: 'another' }],
      ['202', 202, ack],
      ['200 not JSON', 200, 'ok'],
    ])('refuses %s', async (_name, status, body) => {
      expect((await failure(push(status, body))).kind).toBe('bad-answer');
    });
  });

  it('carries Retry-After on a refusal', async () => {
    const server = await serve(
      collectorAnswer(
        429,
        { type: 'urn:stocktake:problem:too-many-requests', title: 'slow down', status: 429 },
        {
          'retry-after': '90',
        },
      ),
    );
    const err = await failure(createCollectorClient({ serverUrl: server.url }).pushSnapshot(makeSnapshot(), 't'));
    expect(err).toMatchObject({ kind: 'refused', status: 429, retryAfterMs: 90_000 });
  });
});
