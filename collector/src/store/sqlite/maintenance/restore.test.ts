import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupError } from '../../../domain/maintenance/ports.ts';
import { openSqliteStores } from '../stores.ts';
import { knownSchemaVersion } from './database-checks.ts';
import { restoreSqliteDatabase } from './restore.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const OPTIONS = { stopHint: 'Stop it first.', now: new Date('2026-12-07T03:00:00.000Z') };

/** A database with one API token in it, and a backup of it. */
async function databaseAndBackup(name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-restore-'));
  dirs.push(dir);
  const db = join(dir, 'stocktake.db');
  const stores = await openSqliteStores(db);
  await stores.apiTokens.create({ name, role: 'reader' }, 'test');
  const backup = join(dir, `${name}.backup.db`);
  await stores.maintenance.backup(backup);
  await stores.close();
  return { dir, db, backup };
}

const tokenNames = async (path: string) => {
  const stores = await openSqliteStores(path);
  try {
    return (await stores.apiTokens.list({ includeRevoked: true })).map((t) => t.name);
  } finally {
    await stores.close();
  }
};

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => (err instanceof BackupError ? { failure: err.failure, message: err.message } : err),
  );

describe('restoring a SQLite backup', () => {
  it('puts the backup in place and keeps the database it replaced, write-ahead log and all', async () => {
    const { db, backup } = await databaseAndBackup('from-backup');
    const other = await databaseAndBackup('live');
    const report = await restoreSqliteDatabase(backup, other.db, OPTIONS);
    expect(report).toEqual({
      path: other.db,
      schemaVersion: knownSchemaVersion(),
      previous: `${other.db}.before-restore-2026-12-07T03-00-00-000Z`,
    });
    expect(await tokenNames(other.db)).toEqual(['from-backup']);
    expect(await tokenNames(report.previous ?? '')).toEqual(['live']);
    expect(statSync(other.db).mode & 0o777).toBe(0o600);
    // The backup itself is untouched, and so is the database it came from.
    expect(await tokenNames(backup)).toEqual(['from-backup']);
    expect(await tokenNames(db)).toEqual(['from-backup']);
  });

  it('restores onto a machine that has no database yet, making its directory', async () => {
    const { dir, backup } = await databaseAndBackup('fresh');
    const target = join(dir, 'new', 'place', 'stocktake.db');
    const report = await restoreSqliteDatabase(backup, target, OPTIONS);
    expect(report.previous).toBeUndefined();
    expect(await tokenNames(target)).toEqual(['fresh']);
  });

  it('refuses a backup from a newer collector, naming both versions, and replaces nothing', async () => {
    const { db, backup } = await databaseAndBackup('newer');
    const copy = new Database(backup);
    copy.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', Date.now());
    copy.close();
    const before = readFileSync(db);
    expect(await refusal(restoreSqliteDatabase(backup, db, OPTIONS))).toEqual({
      failure: 'invalid',
      message: `${backup} has schema version ${knownSchemaVersion() + 1}, newer than this collector's ${knownSchemaVersion()}: restore it with the collector version that made it`,
    });
    expect(readFileSync(db)).toEqual(before);
  });

  it('refuses a damaged backup and a database that is not Stocktake’s', async () => {
    const { dir, db, backup } = await databaseAndBackup('damaged');
    // Scribble over every page but the first (the header and the schema): the tables' pages.
    const size = statSync(backup).size;
    const fd = openSync(backup, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    const damaged = (await refusal(restoreSqliteDatabase(backup, db, OPTIONS))) as { failure: string; message: string };
    expect(damaged.failure).toBe('invalid');
    expect(damaged.message).toMatch(/failed its integrity check|cannot be read as a database/);

    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE notes (text TEXT)');
    other.close();
    expect(await refusal(restoreSqliteDatabase(foreign, db, OPTIONS))).toEqual({
      failure: 'invalid',
      message: `${foreign} is not a Stocktake database (it has no schema version)`,
    });
    expect(await tokenNames(db)).toEqual(['damaged']);
  });

  it('refuses while a process has the database open, naming it', async () => {
    const { db, backup } = await databaseAndBackup('busy');
    // Another process holding the file open, as a running collector does; it says when it has.
    const holder = spawn(process.execPath, [
      '-e',
      `require('fs').openSync(${JSON.stringify(db)}, 'r'); console.log('open'); setInterval(() => {}, 1000)`,
    ]);
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const refused = (await refusal(restoreSqliteDatabase(backup, db, OPTIONS))) as {
        failure: string;
        message: string;
      };
      expect(refused.failure).toBe('in-use');
      expect(refused.message).toContain(`pid ${holder.pid}`);
      expect(refused.message).toContain('nothing was replaced. Stop it first.');
    } finally {
      holder.kill();
    }
  });
});
