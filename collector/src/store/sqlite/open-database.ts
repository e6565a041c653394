import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.ts';

// $client: the better-sqlite3 handle under it, for what drizzle does not cover (savepoint batches).
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

export const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** Page size of a database created by this call (SQLite fixes it when the file is first written). */
  pageSize?: number;
}

/** How many migrations drizzle has recorded as applied (none in a new database). */
function appliedMigrations(sqlite: Database.Database): number {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return 0;
  return (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}

/** Opens (creating if needed) the SQLite file, tunes it for a write-heavy server, and migrates it. */
export function openDatabase(path: string, options: OpenOptions = {}): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  if (options.pageSize) sqlite.pragma(`page_size = ${Math.trunc(options.pageSize)}`);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL keeps WAL commits durable across process crashes; only power loss may lose the last ones.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Ingest inserts each device's software into an index ordered by package, so a snapshot
  // touches pages all over it: a 64 MiB page cache keeps them in memory, and checkpointing
  // every 10,000 pages (~40 MiB of WAL) instead of 1,000 writes each hot page back once per
  // many snapshots instead of once per few (measured: ingest CPU down by a third).
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('wal_autocheckpoint = 10000');
  const db = drizzle(sqlite, { schema });
  // Table rebuilds drop and rename parents of other tables; with foreign keys on, dropping a
  // parent would cascade into its children. The migrator runs in a transaction, where the
  // pragma cannot change, so it is switched off around it and the result checked after.
  // The check reads every row of every child table (18 s at 100,000 devices), so it runs only
  // when a migration was applied; otherwise foreign keys were on for every write since the last.
  sqlite.pragma('foreign_keys = OFF');
  const applied = appliedMigrations(sqlite);
  migrate(db, { migrationsFolder: MIGRATIONS });
  if (appliedMigrations(sqlite) !== applied) {
    const broken = sqlite.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) {
      sqlite.close();
      throw new Error(`database ${path} has ${broken.length} rows with dangling references after migration`);
    }
  }
  sqlite.pragma('foreign_keys = ON');
  return { db, sqlite, close: () => sqlite.close() };
}
