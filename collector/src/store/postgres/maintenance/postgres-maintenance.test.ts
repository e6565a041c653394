import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeSnapshot } from '@stocktake/shared/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { computeSectionHashes } from '../../../domain/inventory/section-hashes.ts';
import { connect, type Db } from '../connection.ts';
import { createDeviceIngest } from '../devices/device-ingest.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';
import { postgresBinaries } from '../test-support/throwaway-cluster.ts';
import { createWriteBatcher } from '../write-batcher.ts';
import { createPostgresMaintenance, splitPassword } from './postgres-maintenance.ts';

const run = promisify(execFile);
const databases = testDatabases();
const dir = mkdtempSync(join(tmpdir(), 'stocktake-pg-backup-'));
const pools: Db[] = [];
afterAll(async () => {
  for (const db of pools) await db.$client.end();
  rmSync(dir, { recursive: true, force: true });
});

/** A database with nothing in it, not even the schema: where a backup is restored. */
async function emptyDatabase(): Promise<string> {
  const { host, port, user } = databases.server;
  const name = `restored_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ host, port, user, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template template0`);
  } finally {
    await admin.end();
  }
  return `postgres://${encodeURIComponent(user)}@${host}:${port}/${name}`;
}

describe('the PostgreSQL backup', () => {
  it('is a pg_dump archive that pg_restore brings back into an empty database, rows and schema version', async () => {
    const url = await databases.create();
    const db = connect({ url, poolSize: 2 });
    pools.push(db);
    const snapshot = makeSnapshot({ agentId: 'agent-b', hostname: 'ws-backup' });
    await createDeviceIngest(db, createWriteBatcher(db)).ingestSnapshot(
      { id: 'agent-b', deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' },
      snapshot,
      computeSectionHashes(snapshot).hashes,
    );
    const file = join(dir, 'collector.pgdump');
    const report = await createPostgresMaintenance(db.$client, url).backup(file);

    const restored = await emptyDatabase();
    await run(join(postgresBinaries(), 'pg_restore'), ['--no-owner', `--dbname=${restored}`, file]);
    const copy = connect({ url: restored, poolSize: 1 });
    pools.push(copy);
    const hosts = await copy.$client.query<{ hostname: string }>('select hostname from devices');
    expect(hosts.rows).toEqual([{ hostname: 'ws-backup' }]);
    const applied = await copy.$client.query<{ n: number }>(
      'select count(*)::int as n from drizzle.__drizzle_migrations',
    );
    expect(applied.rows[0]?.n).toBe(report.schemaVersion);
  });

  it('hands pg_dump the connection without its password, the password apart', () => {
    expect(splitPassword('postgres://stocktake:s%40cret@db.example:5432/inventory?sslmode=require')).toEqual({
      url: 'postgres://stocktake@db.example:5432/inventory?sslmode=require',
      password: 's@cret',
    });
    expect(splitPassword('postgres://stocktake@db.example/inventory')).toEqual({
      url: 'postgres://stocktake@db.example/inventory',
    });
  });
});
