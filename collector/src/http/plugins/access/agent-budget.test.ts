import { connect } from 'node:net';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../test-support/test-app.ts';
import { createAgentBudget } from './agent-budget.ts';

describe('createAgentBudget', () => {
  it('allows a minute of requests per agent, then says when to come back', () => {
    let now = 0;
    const budget = createAgentBudget({ requestsPerMinute: 2, bytesPerMinute: 0, now: () => now });
    expect(budget.take('a', 10)).toEqual({ ok: true });
    expect(budget.take('a', 10)).toEqual({ ok: true });
    expect(budget.take('a', 10)).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    // Another agent has its own bucket.
    expect(budget.take('b', 10)).toEqual({ ok: true });
    now += 30_000;
    expect(budget.take('a', 10)).toEqual({ ok: true });
  });

  it('takes a body larger than what is left on credit, and refuses until the debt is paid', () => {
    let now = 0;
    const budget = createAgentBudget({ requestsPerMinute: 0, bytesPerMinute: 1000, now: () => now });
    expect(budget.take('a', 1500)).toEqual({ ok: true });
    expect(budget.take('a', 1)).toMatchObject({ ok: false, retryAfterSeconds: 31 });
    now += 31_000;
    expect(budget.take('a', 1)).toEqual({ ok: true });
  });
});

describe('the per-agent budget on the ingest routes', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  const push = (token: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/agent/snapshots',
      headers: { authorization: `Bearer ${token}` },
      payload: makeSnapshot(),
    });

  it('answers 429 problem+json with Retry-After past the agent rate, storing nothing', async () => {
    t = await createTestApp({ agentBudget: { requestsPerMinute: 2, bytesPerMinute: 0 } });
    const { agentToken } = await enrolAgent(t.app);
    expect((await push(agentToken)).statusCode).toBe(201);
    expect((await push(agentToken)).statusCode).toBe(201);
    const refused = await push(agentToken);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ status: 429, detail: expect.stringContaining('2 snapshots or deltas') });
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM snapshots').get()).toEqual({ n: 2 });
  });

  it('answers 429 once the agent has sent its bytes for the minute', async () => {
    t = await createTestApp({ agentBudget: { requestsPerMinute: 0, bytesPerMinute: 1024 } });
    const { agentToken } = await enrolAgent(t.app);
    expect((await push(agentToken)).statusCode).toBe(201);
    const refused = await push(agentToken);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ detail: expect.stringContaining('1024 bytes') });
  });

  it('leaves a large refused body unread: the 429 closes the connection, a small one keeps it', async () => {
    t = await createTestApp({ agentBudget: { requestsPerMinute: 1, bytesPerMinute: 0 } });
    const { agentToken } = await enrolAgent(t.app);
    expect((await push(agentToken)).statusCode).toBe(201);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    /** Sends the head of a POST declaring `length` bytes and no body: what comes back, and whether the socket closed. */
    const refusedHead = (length: number) =>
      new Promise<{ answer: string; closed: boolean }>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        const timer = setTimeout(() => {
          socket.destroy();
          resolve({ answer, closed: false });
        }, 2000);
        socket.on('data', (chunk) => {
          answer += chunk.toString('latin1');
        });
        socket.on('close', () => {
          clearTimeout(timer);
          resolve({ answer, closed: true });
        });
        socket.on('error', reject);
        socket.write(
          `POST /api/v1/agent/snapshots HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${agentToken}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`,
        );
      });
    const large = await refusedHead(5 * 1024 * 1024);
    expect(large.answer).toMatch(/^HTTP\/1\.1 429 /);
    expect(large.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(large.closed).toBe(true);
    const small = await refusedHead(2048);
    expect(small.answer).toMatch(/^HTTP\/1\.1 429 /);
    expect(small.closed).toBe(false);
  });
});
