import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStores, type PostgresPorts } from './stores.ts';
import { testDatabases } from './test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

describe('readiness on PostgreSQL', () => {
  it('answers, not ready, when the server does not answer its probe in time, rather than waiting on it', async () => {
    const url = await databases.create();
    const stores = await openPostgresStores({ url, poolSize: 2 });
    opened.push(stores);
    expect((await stores.readiness({ minFreeBytes: 0 }))[0]).toMatchObject({ name: 'writable', ok: true });
    // Another session holds the probe's row: its write waits, as on a server that hangs.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select * from readiness_probe for update');
      const [writable] = await stores.readiness({ minFreeBytes: 0 });
      expect(writable).toMatchObject({ name: 'writable', ok: false });
      expect(writable?.detail).toMatch(/^a write failed: the server did not answer within 3 s/);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect((await stores.readiness({ minFreeBytes: 0 }))[0]).toMatchObject({ name: 'writable', ok: true });
  });
});
