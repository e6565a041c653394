import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnusableError } from '../../domain/errors.ts';
import { openPostgresStores, type PostgresPorts } from './stores.ts';
import { testDatabases } from './test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

async function onDatabase(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const refusalOf = (url: string) =>
  openPostgresStores({ url, poolSize: 1 }).then(
    (stores) => {
      opened.push(stores);
      return stores;
    },
    (err: unknown) => err,
  );

describe('opening a PostgreSQL database the collector cannot use', () => {
  it('refuses one a newer collector migrated, before touching it', async () => {
    const url = await databases.create();
    const future = Date.now() + 365 * 24 * 3_600_000;
    await onDatabase(
      url,
      `insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-a-newer-collector', ${future})`,
    );
    const err = await refusalOf(url);
    expect(err).toBeInstanceOf(StoreUnusableError);
    expect(err).toMatchObject({ refusal: 'newer-schema', message: expect.stringContaining('newer collector') });
  });

  it('refuses a database that does not exist, naming it without the password', async () => {
    const url = new URL(await databases.create());
    url.pathname = '/no_such_database';
    url.password = 'secret-word';
    const err = await refusalOf(url.href);
    expect(err).toBeInstanceOf(StoreUnusableError);
    expect(err).toMatchObject({ refusal: 'unreadable', message: expect.stringContaining('/no_such_database') });
    expect((err as Error).message).not.toContain('secret-word');
  });

  it('refuses a database that refuses writes', async () => {
    const url = await databases.create();
    await onDatabase(url, `alter database ${new URL(url).pathname.slice(1)} set default_transaction_read_only = on`);
    const err = await refusalOf(url);
    expect(err).toBeInstanceOf(StoreUnusableError);
    expect(err).toMatchObject({ refusal: 'read-only' });
  });

  it('opens one it migrated before, as it is', async () => {
    const url = await databases.create();
    const stores = await refusalOf(url);
    expect(stores).not.toBeInstanceOf(Error);
  });
});
