import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent } from '../../../test-support/test-app.ts';
import { HttpProblem } from '../problems/problem.ts';
import { LARGE_BODY_BYTES, LargeBodyChecker } from './index.ts';

const software = (n: number) => Array.from({ length: n }, (_, i) => dpkgItem(`package-number-${i}`, '1.0.0-1'));

/** The lengths of every string the main thread's JSON.parse is given while `run` runs. */
async function mainThreadParses<T>(run: () => Promise<T>): Promise<{ result: T; lengths: number[] }> {
  const parse = JSON.parse;
  const lengths: number[] = [];
  JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => {
    lengths.push(String(text).length);
    return parse(text, reviver);
  }) as typeof JSON.parse;
  try {
    return { result: await run(), lengths };
  } finally {
    JSON.parse = parse;
  }
}

describe('large agent bodies', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('a large refused snapshot is parsed and checked off the event loop, answered as before', async () => {
    const app = await createTestApp();
    closers.push(() => app.close());
    const { agentToken } = await enrolAgent(app.app);
    const items: unknown[] = software(30_000);
    items[12_345] = { source: 'dpkg' };
    const body = JSON.stringify(makeSnapshot({ software: items as never }));
    expect(body.length).toBeGreaterThan(LARGE_BODY_BYTES);

    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const { result: res, lengths } = await mainThreadParses(() =>
      app.inject({
        method: 'POST',
        url: '/api/v1/agent/snapshots',
        headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
        payload: body,
      }),
    );
    clearInterval(timer);

    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.type).toBe('urn:stocktake:problem:validation');
    expect(JSON.stringify(problem.errors)).toContain('/sections/software/data/12345');
    // The body was never parsed on this thread, and the loop kept turning while it was checked.
    expect(lengths.filter((n) => n > LARGE_BODY_BYTES)).toEqual([]);
    expect(ticks).toBeGreaterThan(0);
  });

  it('a large valid snapshot is stored, its value made in the thread', async () => {
    const app = await createTestApp();
    closers.push(() => app.close());
    const { agentToken } = await enrolAgent(app.app);
    const body = JSON.stringify(makeSnapshot({ software: software(12_000) }));
    expect(body.length).toBeGreaterThan(LARGE_BODY_BYTES);
    const { result: res, lengths } = await mainThreadParses(() =>
      app.inject({
        method: 'POST',
        url: '/api/v1/agent/snapshots',
        headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
        payload: body,
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(lengths.filter((n) => n > LARGE_BODY_BYTES)).toEqual([]);
  });

  it('a large body that is not JSON gets the same 400 as a small one', async () => {
    const app = await createTestApp();
    closers.push(() => app.close());
    const { agentToken } = await enrolAgent(app.app);
    const send = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/agent/deltas',
        headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
        payload,
      });
    const small = await send('{"a": ');
    const large = await send(`{"a": "${'x'.repeat(LARGE_BODY_BYTES)}"`);
    const proto = await send(`{"__proto__": {"x": 1}, "a": "${'x'.repeat(LARGE_BODY_BYTES)}"}`);
    expect(small.statusCode).toBe(400);
    for (const res of [large, proto]) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ type: small.json().type, detail: small.json().detail });
    }
  });
});

describe('LargeBodyChecker', () => {
  it('a thread that dies answers 503 with Retry-After, and the next check starts a new one', async () => {
    const checker = new LargeBodyChecker({ script: new URL('data:text/javascript,process.exit(3)') });
    const refused = await checker.check('snapshot', new Uint8Array([123, 125])).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 503, retryAfterSeconds: 5 });
    expect((refused as HttpProblem).detail).toMatch(/stopped \(it exited with code 3\)/);
    const again = await checker.check('snapshot', new Uint8Array([123, 125])).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 503 });
    await checker.close();
  });

  it('a thread that runs out of the heap it is allowed answers 503, and the next check starts a new one', async () => {
    // A thread that holds about 100 MiB while it checks, in a heap of 16 MiB.
    const hungry = `import { parentPort } from 'node:worker_threads';
      parentPort.on('message', ({ id }) => {
        const held = [];
        for (let i = 0; i < 100; i++) held.push(new Array(125000).fill(i));
        parentPort.postMessage({ id, type: 'invalid', issues: [], held: held.length });
      });`;
    const checker = new LargeBodyChecker({
      script: new URL(`data:text/javascript,${encodeURIComponent(hungry)}`),
      heapMb: 16,
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await checker.check('snapshot', new Uint8Array([123, 125])).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect(refused).toMatchObject({ status: 503, retryAfterSeconds: 5 });
      expect((refused as HttpProblem).detail).toMatch(/memory/i);
    }
    await checker.close();
  });

  it('a thread that throws while starting answers 503 naming the error', async () => {
    const checker = new LargeBodyChecker({ script: new URL('data:text/javascript,throw new Error("broken thread")') });
    const refused = await checker.check('delta', new Uint8Array([123, 125])).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503 });
    expect((refused as HttpProblem).detail).toContain('broken thread');
    await checker.close();
  });
});
