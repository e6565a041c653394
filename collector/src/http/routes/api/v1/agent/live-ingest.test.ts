import type { AddressInfo } from 'node:net';
import { diffSnapshot, LiveCloseCodes, RESYNC_PROBLEM_TYPE, type Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';
import { LARGE_BODY_BYTES } from '../../../../plugins/large-body/index.ts';
import { type Answer, LiveClient } from './live-client.test-support.ts';

let t: TestApp;
let url: string;
let agent: { agentId: string; agentToken: string };
const clients: LiveClient[] = [];

async function start(overrides: Parameters<typeof createTestApp>[0] = {}): Promise<void> {
  t = await createTestApp(overrides);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  agent = await enrolAgent(t.app);
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t.close();
});

const connect = async (token = agent.agentToken) => {
  const client = await LiveClient.open(url, token);
  clients.push(client);
  return client;
};

const packages = (n: number) => Array.from({ length: n }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));
const snapshotOf = (software = packages(50)) =>
  makeSnapshot({ agentId: agent.agentId, serial: 'SER1', macs: ['3c:22:fb:7a:19:c4'], software });

/** The same machine a minute later, software as given. */
function later(base: Snapshot, software = packages(50)): Snapshot {
  const s = snapshotOf(software);
  s.collectedAt = new Date(Date.parse(base.collectedAt) + 60_000).toISOString();
  s.identity = base.identity;
  s.sections.hardware = { ...base.sections.hardware, collectedAt: s.collectedAt };
  s.sections.os = { ...base.sections.os, collectedAt: s.collectedAt };
  return s;
}

const post = (path: 'snapshots' | 'deltas', payload: unknown, token = agent.agentToken) =>
  t.inject({
    method: 'POST',
    url: `/api/v1/agent/${path}`,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });

/** The problem body an error answer carries, without `instance` (the route's own path). */
const problemOf = (answer: Answer) => {
  expect(answer.type, JSON.stringify(answer)).toBe('error');
  const { instance: _instance, ...problem } = (answer as Extract<Answer, { type: 'error' }>).problem;
  return problem;
};
const httpProblem = (body: string) => {
  const { instance: _instance, ...problem } = JSON.parse(body) as Record<string, unknown>;
  return problem;
};

describe('snapshots and deltas over the live channel', () => {
  beforeEach(() => start());

  it('stores a snapshot exactly as the HTTP route does, and acknowledges a resend as a duplicate', async () => {
    const snapshot = snapshotOf(packages(120));
    const live = await connect();
    const ack = await live.request({ type: 'snapshot', id: 'm-1', snapshot });
    expect(ack).toEqual({
      type: 'ack',
      id: 'm-1',
      snapshotId: snapshot.snapshotId,
      deviceId: expect.any(String),
      duplicate: false,
      accepts: ['usage'],
    });
    const deviceId = (ack as { deviceId: string }).deviceId;
    const viaWs = (await t.inject({ url: `/api/v1/devices/${deviceId}` })).json();

    // The same snapshot over HTTP into a second collector: the same device, field for field.
    const other = t;
    const otherAgent = agent;
    await start();
    const res = await post('snapshots', { ...snapshot, agent: { ...snapshot.agent, id: agent.agentId } });
    expect(res.statusCode, res.body).toBe(201);
    const viaHttp = (await t.inject({ url: `/api/v1/devices/${res.json().deviceId}` })).json();
    // Ids and reception times differ by construction, and presence says who holds a socket now.
    const same = (device: Record<string, unknown>, ids: string[]) =>
      JSON.parse(
        ids.reduce((text, id, i) => text.replaceAll(id, `<id ${i}>`), JSON.stringify(device)),
        (key, value) => (/^(firstSeenAt|lastSeenAt|recordedAt|online|lastHeartbeatAt)$/.test(key) ? '<varies>' : value),
      );
    expect(same(viaWs, [deviceId, otherAgent.agentId])).toEqual(same(viaHttp, [res.json().deviceId, agent.agentId]));
    expect((viaWs as { software: unknown[] }).software).toHaveLength(120);
    await t.close();
    t = other;
    agent = otherAgent;

    const before = dumpDatabase(t.store.sqlite);
    expect(await live.request({ type: 'snapshot', id: 'm-2', snapshot })).toEqual({
      type: 'ack',
      id: 'm-2',
      snapshotId: snapshot.snapshotId,
      deviceId,
      duplicate: true,
      accepts: ['usage'],
    });
    // One already stored over HTTP is a duplicate over the websocket as well.
    const next = later(snapshot);
    expect((await post('snapshots', next)).statusCode).toBe(201);
    expect(await live.request({ type: 'snapshot', id: 'm-3', snapshot: next })).toMatchObject({
      type: 'ack',
      duplicate: true,
    });
    expect(dumpDatabase(t.store.sqlite).snapshots).toHaveLength((before.snapshots?.length ?? 0) + 1);
  });

  it('applies deltas in the order they were sent, and answers a wrong base with the 409 resync problem', async () => {
    const base = snapshotOf();
    expect((await post('snapshots', base)).statusCode).toBe(201);
    const live = await connect();
    // Three deltas sent at once, each on the one before: any reordering would be a resync.
    let previous = base;
    const sent: Promise<Answer>[] = [];
    for (let i = 1; i <= 3; i++) {
      const next = later(previous, [...packages(50), dpkgItem(`added-${i}`, '1.0')]);
      sent.push(live.request({ type: 'delta', id: `d-${i}`, delta: diffSnapshot(previous, next) }));
      previous = next;
    }
    const answers = await Promise.all(sent);
    expect(answers.map((a) => [a.type, a.id, a.type === 'ack' && a.duplicate])).toEqual([
      ['ack', 'd-1', false],
      ['ack', 'd-2', false],
      ['ack', 'd-3', false],
    ]);
    const deviceId = (answers[0] as { deviceId: string }).deviceId;
    const software = (await t.inject({ url: `/api/v1/devices/${deviceId}` })).json().software as { name: string }[];
    expect(software.map((s) => s.name).filter((n) => n.startsWith('added-'))).toEqual(['added-3']);

    // A delta on a base this collector does not hold: the same 409 as over HTTP.
    const stale = diffSnapshot(base, later(base, packages(49)));
    const answer = await live.request({ type: 'delta', id: 'stale', delta: stale });
    expect(answer).toMatchObject({ type: 'error', id: 'stale', status: 409 });
    const http = await post('deltas', stale);
    expect(http.statusCode).toBe(409);
    expect(problemOf(answer)).toEqual(httpProblem(http.body));
    expect(problemOf(answer)).toMatchObject({ type: RESYNC_PROBLEM_TYPE, status: 409, title: 'Resync needed' });
  });

  it('refuses an invalid snapshot with the 400 problem the HTTP route answers, stores nothing, and keeps the socket', async () => {
    const live = await connect();
    const before = dumpDatabase(t.store.sqlite);
    const good = snapshotOf();
    const { hostname: _h, ...osWithoutHostname } = good.sections.os.data as Record<string, unknown>;
    const invalid: [string, unknown][] = [
      ['unknown member', { ...good, colour: 'blue' }],
      [
        'missing member',
        { ...good, sections: { ...good.sections, os: { ...good.sections.os, data: osWithoutHostname } } },
      ],
      ['wrong type', { ...good, collectedAt: 42 }],
      [
        'hash of other data',
        { ...good, sections: { ...good.sections, os: { ...good.sections.os, hash: '0'.repeat(64) } } },
      ],
      ['another agent', { ...good, agent: { ...good.agent, id: '00000000-0000-4000-8000-000000000000' } }],
    ];
    for (const [what, snapshot] of invalid) {
      const answer = await live.request({ type: 'snapshot', id: what, snapshot });
      expect(answer, what).toMatchObject({ type: 'error', id: what, status: 400 });
      const http = await post('snapshots', snapshot);
      expect(http.statusCode, what).toBe(400);
      expect(problemOf(answer), what).toEqual(httpProblem(http.body));
      expect((problemOf(answer).errors as unknown[]).length, what).toBeGreaterThan(0);
    }
    // A broken envelope with a usable id is answered too: the path is the message's.
    const noBody = await live.request({ type: 'snapshot', id: 'no-body' });
    expect(problemOf(noBody)).toMatchObject({
      status: 400,
      type: 'urn:stocktake:problem:validation',
      errors: [{ path: '/snapshot', message: 'is required' }],
    });
    const wrongKind = await live.request({ type: 'delta', id: 'wrong-kind', delta: good });
    expect(wrongKind).toMatchObject({ type: 'error', status: 400 });
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);

    // Still open and working.
    expect(await live.request({ type: 'snapshot', id: 'ok', snapshot: good })).toMatchObject({
      type: 'ack',
      duplicate: false,
    });
  });

  it('checks a large message off the event loop, answering the 400 the HTTP route answers', async () => {
    const live = await connect();
    const software: unknown[] = packages(30_000);
    software[12_345] = { source: 'dpkg' };
    const snapshot = snapshotOf(software as never);
    const message = { type: 'snapshot', id: 'large', snapshot };
    expect(JSON.stringify(message).length).toBeGreaterThan(LARGE_BODY_BYTES);
    const parse = JSON.parse;
    const parsedHere: number[] = [];
    JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => {
      parsedHere.push(String(text).length);
      return parse(text, reviver);
    }) as typeof JSON.parse;
    let answer: Answer;
    try {
      answer = await live.request(message);
    } finally {
      JSON.parse = parse;
    }
    expect(parsedHere.filter((n) => n > LARGE_BODY_BYTES)).toEqual([]);
    const http = await post('snapshots', snapshot);
    expect(http.statusCode).toBe(400);
    expect(problemOf(answer)).toEqual(httpProblem(http.body));
    expect(await live.request({ type: 'snapshot', id: 'ok', snapshot: snapshotOf() })).toMatchObject({ type: 'ack' });
  });

  it('closes with 4400 on a frame that has no usable id, as before', async () => {
    for (const frame of ['not json', '{"type":"snapshot","id":7,"snapshot":{}}', '{"type":"snapshot","id":""}']) {
      const live = await connect();
      live.send(frame);
      expect((await live.closed).code, frame).toBe(LiveCloseCodes.badMessage);
    }
  });

  it('answers an oversized message with 413 and keeps the socket; a frame over twice the limit closes it with 1009', async () => {
    const live = await connect();
    const pad = 'x'.repeat(t.app.liveIngestLimit);
    const big = await live.request({ type: 'snapshot', id: 'big', snapshot: { pad } });
    expect(problemOf(big)).toMatchObject({ status: 413, type: 'urn:stocktake:problem:payload-too-large' });
    expect(await live.request({ type: 'snapshot', id: 'ok', snapshot: snapshotOf() })).toMatchObject({ type: 'ack' });

    live.send(JSON.stringify({ type: 'snapshot', id: 'huge', snapshot: { pad: pad + pad } }));
    expect((await live.closed).code).toBe(1009);
    // The collector carries on.
    expect((await connect()).socket.readyState).toBe(1);
  });

  it('refuses the upgrade for a revoked token, and refuses ingests once the token is revoked while open', async () => {
    const live = await connect();
    expect(await live.request({ type: 'snapshot', id: 'first', snapshot: snapshotOf() })).toMatchObject({
      type: 'ack',
    });
    await t.app.stores.agents.revoke(agent.agentId);
    const before = dumpDatabase(t.store.sqlite);
    const refused = await live.request({ type: 'snapshot', id: 'after', snapshot: later(snapshotOf()) });
    expect(problemOf(refused)).toMatchObject({ status: 401, type: 'urn:stocktake:problem:unauthorized' });
    expect((await live.closed).code).toBe(LiveCloseCodes.unauthorized);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
    await expect(LiveClient.open(url, agent.agentToken)).rejects.toThrow(/HTTP 401/);
  });

  it('answers every message of an agent that does not wait for acks (reading pauses, then resumes)', async () => {
    const live = await connect();
    const base = snapshotOf(packages(5));
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        live.request({
          type: 'snapshot',
          id: `s-${i}`,
          snapshot: { ...later(base, packages(5)), snapshotId: crypto.randomUUID() },
        }),
      ),
    );
    expect(answers.filter((a) => a.type === 'ack')).toHaveLength(150);
  });
});

describe('rate limits', () => {
  beforeEach(() => start({ rateLimit: { perToken: 2 } }));

  it('limit neither transport for agents: the websocket counts exactly as the HTTP routes do', async () => {
    const live = await connect();
    for (let i = 0; i < 5; i++) {
      expect((await post('snapshots', snapshotOf())).statusCode).toBe(201);
      expect(await live.request({ type: 'snapshot', id: `s-${i}`, snapshot: snapshotOf() })).toMatchObject({
        type: 'ack',
      });
    }
  });
});

describe('the per-agent budget', () => {
  beforeEach(() => start({ agentBudget: { requestsPerMinute: 3, bytesPerMinute: 0 } }));

  it('is one budget for both transports: past it, 429 over HTTP and an error answer with 429 on the socket', async () => {
    const live = await connect();
    expect((await post('snapshots', snapshotOf())).statusCode).toBe(201);
    expect(await live.request({ type: 'snapshot', id: 's-1', snapshot: snapshotOf() })).toMatchObject({ type: 'ack' });
    expect((await post('snapshots', snapshotOf())).statusCode).toBe(201);
    const refused = await live.request({ type: 'snapshot', id: 's-2', snapshot: snapshotOf() });
    expect(refused).toMatchObject({ type: 'error', id: 's-2', status: 429 });
    expect(problemOf(refused).detail).toContain('3 snapshots or deltas in a minute');
    const overHttp = await post('snapshots', snapshotOf());
    expect(overHttp.statusCode).toBe(429);
    expect(Number(overHttp.headers['retry-after'])).toBeGreaterThan(0);
    // The socket stays open for what comes once the budget allows.
    expect(live.socket.readyState).toBe(live.socket.OPEN);
  });
});
