import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close().catch(() => undefined);
  t = undefined;
});

describe('GET /healthz', () => {
  it('answers ok with the version', async () => {
    t = await createTestApp();
    const res = await t.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: t.app.collectorVersion });
  });

  it('is liveness only: it answers ok while the store cannot (readiness says that)', async () => {
    t = await createTestApp();
    await t.app.stores.close();
    const res = await t.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
  });
});
