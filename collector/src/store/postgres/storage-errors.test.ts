import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConflictError, StorageUnavailableError } from '../../domain/errors.ts';
import { openPostgresStores, type PostgresPorts } from './stores.ts';
import { testDatabases } from './test-support/test-databases.test-support.ts';
import { startThrowawayCluster, type ThrowawayCluster } from './test-support/throwaway-cluster.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
const clusters: ThrowawayCluster[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
  for (const c of clusters) await c.stop();
});

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const trouble = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => (err instanceof StorageUnavailableError ? err.trouble : err),
  );

describe('PostgreSQL troubles reach the domain as StorageUnavailableError', () => {
  it('a lock held past lock_timeout is busy; a constraint stays what it is', async () => {
    const url = await databases.create();
    await admin(url, (c) => c.query(`alter database ${new URL(url).pathname.slice(1)} set lock_timeout = '200ms'`));
    const stores = await openPostgresStores({ url, poolSize: 1 });
    opened.push(stores);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table api_tokens in access exclusive mode');
      expect(await trouble(stores.apiTokens.list())).toBe('busy');
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect(await stores.apiTokens.list()).toEqual([]);
    await stores.apiTokens.create({ name: 'grafana', role: 'reader' }, 'root');
    await expect(stores.apiTokens.create({ name: 'grafana', role: 'admin' }, 'root')).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('a server that refuses writes is read-only, and a server gone is out of reach', async () => {
    // A server of its own: the setting is server-wide, and the server is stopped.
    const cluster = await startThrowawayCluster();
    clusters.push(cluster);
    const url = `postgres://${cluster.user}@${cluster.host}:${cluster.port}/postgres`;
    const stores = await openPostgresStores({ url, poolSize: 1 });
    opened.push(stores);
    await stores.audit.record({ at: new Date(), actor: 'a', entityType: 'asset', entityId: 'x', action: 'create' });

    await admin(url, async (c) => {
      await c.query('alter system set default_transaction_read_only = on');
      await c.query('select pg_reload_conf()');
    });
    // A reload reaches every session at its next command once the server has read the file: a
    // new session seeing the setting says it has.
    for (let i = 0; i < 50; i++) {
      const { rows } = await admin(url, (c) =>
        c.query<{ r: string }>("select current_setting('default_transaction_read_only') as r"),
      );
      if (rows[0]?.r === 'on') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const write = stores.audit.record({
      at: new Date(),
      actor: 'a',
      entityType: 'asset',
      entityId: 'y',
      action: 'create',
    });
    expect(await trouble(write)).toBe('read-only');
    expect(await stores.audit.history('asset', 'x')).toHaveLength(1);

    await cluster.stop();
    expect(await trouble(stores.audit.history('asset', 'x'))).toBe('io-error');
  });
});
