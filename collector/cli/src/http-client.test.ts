import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTOR_HEADER as SHARED_HEADER } from '@stocktake/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { ApiClient, COLLECTOR_HEADER, describeProblem } from './http-client.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

describe('ApiClient against a scripted server', () => {
  let server: Server;
  let url: string;
  let handler: Handler = (_req, res) => res.end();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const client = (token?: string, timeoutMs = 5000) =>
    new ApiClient({ url, source: 'test', ...(token ? { token } : {}) }, timeoutMs);

  const problem = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/problem+json', [COLLECTOR_HEADER]: '0.1.0' });
    res.end(JSON.stringify({ status, ...body }));
  };

  async function failure(run: () => Promise<unknown>): Promise<CliError> {
    try {
      await run();
    } catch (err) {
      if (err instanceof CliError) return err;
      throw err;
    }
    throw new Error('no failure');
  }

  it('uses the same collector header as the agent contract', () => {
    expect(COLLECTOR_HEADER).toBe(SHARED_HEADER);
  });

  it('sends the bearer token, the query and JSON, and reads JSON back', async () => {
    let seen: Record<string, string | undefined> = {};
    handler = (req, res, body) => {
      seen = {
        auth: req.headers.authorization,
        url: req.url,
        body: body.toString(),
        type: req.headers['content-type'],
      };
      res.writeHead(200, { 'content-type': 'application/json', [COLLECTOR_HEADER]: '0.1.0' });
      res.end('{"ok":true}');
    };
    const answer = await client('secret').json({
      method: 'PATCH',
      path: '/api/v1/x',
      query: { a: 'b c', skip: undefined, many: ['1', '2'], flag: false },
      json: { action: 'snooze' },
    });
    expect(answer).toEqual({ ok: true });
    expect(seen).toEqual({
      auth: 'Bearer secret',
      url: '/api/v1/x?a=b+c&many=1&many=2&flag=false',
      body: '{"action":"snooze"}',
      type: 'application/json',
    });
  });

  it('maps statuses to exit codes, with the problem as one line', async () => {
    const cases: [number, Record<string, unknown>, number, string][] = [
      [
        401,
        { title: 'Unauthorized', detail: 'Token is unknown or revoked' },
        EXIT.auth,
        'Unauthorized: Token is unknown or revoked',
      ],
      [403, { title: 'Forbidden', detail: 'needs admin' }, EXIT.auth, 'Forbidden: needs admin'],
      [404, { title: 'Not Found', detail: 'No device x' }, EXIT.notFound, 'Not Found: No device x'],
      [409, { title: 'Agent offline', detail: 'no channel' }, EXIT.refused, 'Agent offline: no channel'],
      [
        400,
        {
          title: 'Invalid request',
          detail: 'Snooze is not in the future',
          errors: [{ path: '/until', message: 'must be in the future' }],
        },
        EXIT.refused,
        'Invalid request: Snooze is not in the future (/until: must be in the future)',
      ],
      [
        500,
        { title: 'Internal Server Error', detail: 'see its log' },
        EXIT.collectorError,
        'Internal Server Error: see its log',
      ],
    ];
    for (const [status, body, code, message] of cases) {
      handler = (_req, res) => problem(res, status, body);
      const err = await failure(() => client('t').get('/api/v1/x'));
      expect([err.exitCode, err.message]).toEqual([code, message]);
    }
  });

  it('says how to give a token when none was given', async () => {
    handler = (_req, res) => problem(res, 401, { title: 'Unauthorized', detail: 'This route needs a bearer token' });
    const err = await failure(() => client().get('/api/v1/x'));
    expect(err.message).toContain('no token given: pass --token, set STOCKTAKE_TOKEN, or run stocktake login');
  });

  it('waits out a rate limit the collector names, then tries again', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, {
          'content-type': 'application/problem+json',
          'retry-after': '1',
          [COLLECTOR_HEADER]: '0.1.0',
        });
        res.end(JSON.stringify({ status: 429, title: 'Too Many Requests', detail: 'retry in 1 second' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', [COLLECTOR_HEADER]: '0.1.0' });
      res.end('{"ok":true}');
    };
    const notices: string[] = [];
    const patient = new ApiClient({ url, source: 'test' }, 5000, (t) => notices.push(t));
    expect(await patient.get('/api/v1/x')).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(notices).toEqual(['rate limited by the collector; retrying in 1 s']);

    handler = (_req, res) => {
      res.writeHead(429, {
        'content-type': 'application/problem+json',
        'retry-after': '3600',
        [COLLECTOR_HEADER]: '0.1.0',
      });
      res.end(JSON.stringify({ status: 429, title: 'Too Many Requests', detail: 'retry in 1 hour' }));
    };
    const err = await failure(() => patient.get('/api/v1/x'));
    expect([err.exitCode, err.message]).toEqual([EXIT.refused, 'Too Many Requests: retry in 1 hour']);
  });

  it('tells an older collector without the route from a missing thing', async () => {
    handler = (_req, res) => problem(res, 404, { title: 'Not Found', detail: 'No route GET /api/v1/software' });
    const err = await failure(() => client().get('/api/v1/software'));
    expect(err.exitCode).toBe(EXIT.collectorError);
    expect(err.message).toContain('(version 0.1.0) has no route GET /api/v1/software');
  });

  it('refuses a server that is not a collector, and one that does not answer', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>hello</h1>');
    };
    const wrong = await failure(() => client().get('/api/v1/x'));
    expect(wrong.exitCode).toBe(EXIT.unreachable);
    expect(wrong.message).toContain('is not a Stocktake collector');

    handler = () => {};
    const slow = await failure(() => client(undefined, 200).get('/api/v1/x'));
    expect(slow.exitCode).toBe(EXIT.unreachable);
    expect(slow.message).toContain('no answer within 0.2 s');

    const closed = new ApiClient({ url: 'http://127.0.0.1:1', source: 'test' }, 2000);
    const refused = await failure(() => closed.get('/x'));
    expect(refused.exitCode).toBe(EXIT.unreachable);
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('uploads in chunks with progress and downloads into a sink with progress', async () => {
    const data = Buffer.alloc(300 * 1024, 'a');
    handler = (req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', [COLLECTOR_HEADER]: '0.1.0' });
      res.end(
        JSON.stringify({
          bytes: body.length,
          length: req.headers['content-length'],
          type: req.headers['content-type'],
        }),
      );
    };
    const sent: number[] = [];
    const answer = await client().json({
      method: 'POST',
      path: '/up',
      upload: { data, contentType: 'text/csv', onProgress: (done) => sent.push(done) },
    });
    expect(answer).toEqual({ bytes: data.length, length: String(data.length), type: 'text/csv' });
    expect(sent.at(-1)).toBe(data.length);
    expect(sent.length).toBeGreaterThan(1);

    handler = (_req, res, body) => {
      res.writeHead(200, {
        'content-type': 'text/csv',
        'content-length': String(body.length),
        [COLLECTOR_HEADER]: '0.1.0',
      });
      res.end(body);
    };
    const chunks: Buffer[] = [];
    const progress: [number, number | undefined][] = [];
    await client().download(
      { method: 'POST', path: '/up', upload: { data, contentType: 'text/csv' } },
      { write: (c) => chunks.push(c) > 0, once: () => undefined },
      (done, total) => progress.push([done, total]),
    );
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(progress.at(-1)).toEqual([data.length, data.length]);
  });
});

describe('describeProblem', () => {
  it('lists several field errors on their own lines, without repeating what the detail says', () => {
    expect(
      describeProblem({
        type: 'urn:stocktake:problem:validation',
        title: 'Invalid request',
        status: 400,
        detail: 'The file was refused and nothing was imported: 2 problems',
        errors: [
          { path: '/2/purchase_date', message: 'line 2, purchase_date: "x" is not a date' },
          { path: '/3/status', message: 'line 3, status: "Zombie" is not a status' },
        ],
      }),
    ).toEqual({
      line: 'Invalid request: The file was refused and nothing was imported: 2 problems',
      more: ['  line 2, purchase_date: "x" is not a date', '  line 3, status: "Zombie" is not a status'],
    });
    const detail = 'The querystring does not match the schema: /status must be equal to one of the allowed values';
    expect(
      describeProblem({
        type: 'urn:stocktake:problem:validation',
        title: 'Invalid request',
        status: 400,
        detail,
        errors: [{ path: '/status', message: 'must be equal to one of the allowed values' }],
      }),
    ).toEqual({ line: `Invalid request: ${detail}`, more: [] });
  });
});
