import { ProblemTypes } from '@stocktake/shared';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp | undefined;
let other: Database.Database | undefined;
afterEach(async () => {
  other?.close();
  other = undefined;
  await t?.close().catch(() => undefined);
  t = undefined;
});

/** A second process's connection holding the write lock on the test app's database. */
async function lockedByAnotherWriter(): Promise<TestApp> {
  const app = await createTestApp();
  // The collector waits 50 ms for the lock instead of 5 s: the outcome is the same, sooner.
  app.store.sqlite.pragma('busy_timeout = 50');
  other = new Database(app.dbPath);
  other.prepare('BEGIN IMMEDIATE').run();
  return app;
}

describe('passing storage trouble', () => {
  it('answers a write with 503, Retry-After and problem details, not 500, while the database is locked', async () => {
    t = await lockedByAnotherWriter();
    const res = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'LT-1' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: ProblemTypes.storageUnavailable,
      status: 503,
      detail: expect.stringMatching(/busy.*\(SQLITE_BUSY\)/),
    });

    // Once the lock is gone, the same request goes through.
    other?.prepare('ROLLBACK').run();
    const again = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'LT-1' } });
    expect(again.statusCode).toBe(201);
  });

  it('keeps answering reads with a token used for the first time: its last use is written later, not by the request', async () => {
    const app = await createTestApp();
    t = app;
    const reader = await app.token('first-use', 'reader');
    app.store.sqlite.pragma('busy_timeout = 50');
    other = new Database(app.dbPath);
    other.prepare('BEGIN IMMEDIATE').run();
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bearer(reader) });
    expect(res.statusCode).toBe(200);
    // The use is noted all the same, and shows in the token list.
    other.prepare('ROLLBACK').run();
    const tokens = await app.app.stores.apiTokens.list();
    expect(tokens.find((tok) => tok.name === 'first-use')?.lastUsedAt).toEqual(expect.any(String));
  });
});
