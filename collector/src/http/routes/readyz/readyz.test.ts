import { ProblemTypes } from '@stocktake/shared';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp | undefined;
let other: Database.Database | undefined;
afterEach(async () => {
  other?.close();
  other = undefined;
  await t?.close().catch(() => undefined);
  t = undefined;
});

describe('GET /readyz', () => {
  it('answers ready with every check, and needs no token', async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ready', version: t.app.collectorVersion });
    expect(body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['writable', true],
      ['schema', true],
      ['disk-space', true],
    ]);
  });

  it('answers 503 problem details naming the write that failed while another process holds the database', async () => {
    t = await createTestApp();
    // Another writer holds the lock for longer than this collector waits for it.
    t.store.sqlite.pragma('busy_timeout = 50');
    other = new Database(t.dbPath);
    other.prepare('BEGIN IMMEDIATE').run();
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    const problem = res.json();
    expect(problem).toMatchObject({ type: ProblemTypes.notReady, status: 503 });
    expect(problem.detail).toMatch(/^Not ready: writable: a write failed: database is locked/);
    expect(problem.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name)).toEqual([
      'writable',
    ]);
  });

  it('answers 503 naming the schema once a newer collector has migrated the file under it', async () => {
    t = await createTestApp();
    other = new Database(t.dbPath);
    other
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('from-a-newer-collector', Date.now() + 365 * 86_400_000);
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toMatch(/schema: schema version \d+ was written by a newer collector/);
  });
});
