import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { StorageUnavailableError, type StoreRefusal, StoreUnusableError } from '../../domain/errors.ts';
import { type BackgroundCheckpointOptions, CHECKPOINT_PAGES } from './checkpoints/index.ts';
import { formatBytes, freeBytes } from './disk-space.ts';
import * as schema from './schema/index.ts';
import { describeSchema, knownMigrations, schemaVersions } from './schema-version.ts';
import { withStatementCache } from './statement-cache.ts';
import { sqliteErrorIn, troubleOf } from './storage-errors.ts';

// $client: the better-sqlite3 handle under it, for what drizzle does not cover (savepoint batches).
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  /** Drops the statements drizzle's queries have compiled, so the next run of each prepares it again. */
  forgetStatements(): void;
  close(): void;
}

/** How long a statement waits for another connection's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** Page size of a database created by this call (SQLite fixes it when the file is first written). */
  pageSize?: number;
  /**
   * Free space the database's file system must have for the store to open, in bytes (default:
   * any at all). The readiness check holds it to the same minimum while the collector runs.
   */
  minFreeBytes?: number;
  /**
   * Refuse a database an older collector left, instead of migrating it, saying this (what to
   * run instead). A new, empty database is still given its schema: there is nothing to keep.
   */
  refusePendingMigrations?: string;
  /**
   * Checkpoint the write-ahead log in a thread of its own instead of in the commits that fill it
   * (the server; see checkpoints/index.ts). Read by openSqliteStores once the database is open:
   * opening, checking and migrating it keep the automatic checkpoint.
   */
  backgroundCheckpoints?: BackgroundCheckpointOptions;
}

/** A store that must not be opened, said in one line: what is wrong with which file, and what to do. */
export function unusable(file: string, problem: string, refusal: StoreRefusal): StoreUnusableError {
  // One line, whatever SQLite's own messages hold (quick_check's start with a header line).
  return new StoreUnusableError(`cannot use the database ${file}: ${problem.replace(/\s*\n\s*/g, ' ')}`, refusal);
}

/** `err` from opening or checking the file, as a refusal when it says the file cannot be used. */
export function refusalFor(err: unknown, file: string): StoreUnusableError | undefined {
  if (err instanceof StoreUnusableError) return err;
  const code = sqliteErrorIn(err)?.code ?? (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code) return undefined;
  const reason = (err as Error).message.split('\n')[0];
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return unusable(file, `the file is damaged (${code}: ${reason}); restore it from a backup`, 'corrupt');
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return unusable(file, `its disk is full (${code}); free some space`, 'disk-full');
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return unusable(file, `it cannot be written (${code}: ${reason})`, 'read-only');
  }
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_IOERR')) {
    return unusable(file, `it cannot be opened or read (${code}: ${reason})`, 'unreadable');
  }
  return undefined;
}

/**
 * The database's directory (made 0700 when missing) and file (made 0600 when missing; SQLite
 * gives its -wal and -shm files the database's mode): each must be writable, and the file
 * system must have `minFreeBytes` free. Root ignores permission bits, but not a read-only mount.
 */
export function prepareFile(file: string, minFreeBytes: number): void {
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw unusable(
      file,
      `its directory ${dir} cannot be created (${code})`,
      code === 'ENOSPC' ? 'disk-full' : 'read-only',
    );
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    // SQLite keeps its write-ahead log and shared-memory index beside the database.
    throw unusable(
      file,
      `its directory ${dir} is not writable (${code}); the collector writes its database and log there`,
      'read-only',
    );
  }
  if (existsSync(file)) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw unusable(file, `it is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'read-only');
    }
  }
  const free = freeBytes(dir);
  if (free < minFreeBytes) {
    const below = minFreeBytes > 1 ? `, below the configured minimum of ${formatBytes(minFreeBytes)}` : '';
    throw unusable(file, `its disk is full (${formatBytes(free)} free${below}); free some space`, 'disk-full');
  }
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * SQLite's quick_check: every page of every table and index is read and checked for
 * consistency (not that indexes match their tables: that is integrity_check, slower). It reads
 * the whole file: docs/benchmarks.md (startup-check) says what that costs on a big one.
 */
function checkIntegrity(sqlite: Database.Database, file: string): void {
  let problems: string[];
  try {
    problems = (sqlite.pragma('quick_check') as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (err) {
    // A page too damaged to walk stops the check itself.
    const code = sqliteErrorIn(err)?.code;
    if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') throw err;
    throw unusable(
      file,
      `the file is damaged (quick_check: ${code}: ${(err as Error).message}); restore it from a backup`,
      'corrupt',
    );
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw unusable(
    file,
    `the file is damaged (quick_check: ${problems.length} problem${problems.length === 1 ? '' : 's'}, first: ${problems[0]}); restore it from a backup`,
    'corrupt',
  );
}

/** Refuses a database a newer collector migrated: this one would misread it. */
export function checkNotNewer(sqlite: Database.Database, file: string): number {
  const versions = schemaVersions(sqlite, knownMigrations(MIGRATIONS));
  if (versions.newer) {
    throw unusable(file, `its ${describeSchema(versions)}; run that version or newer`, 'newer-schema');
  }
  return versions.found;
}

/** Opens (creating if needed) the SQLite file, checks it can be used, tunes it for a write-heavy server, and migrates it. */
export function openDatabase(path: string, options: OpenOptions = {}): OpenedDatabase {
  const file = path === ':memory:' ? undefined : resolve(path);
  // Anything but a full file system passes when no minimum is configured.
  if (file) prepareFile(file, options.minFreeBytes ?? 1);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path);
  } catch (err) {
    throw (file && refusalFor(err, file)) || err;
  }
  try {
    const statements = withStatementCache(sqlite);
    const db = configureAndMigrate(sqlite, statements.connection, path, file, options);
    // The readiness check's write, once before serving: a file that takes no write is refused now.
    probeWrite(sqlite);
    return { db, sqlite, forgetStatements: statements.forget, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    throw (file && (refusalFor(err, file) ?? lockedAtOpen(err, file))) || err;
  }
}

/**
 * Another process held the database's write lock for longer than the busy timeout while it was
 * being opened (a backup tool, a second collector on the same file): worth trying again, unlike
 * the refusals above, so it is the domain's passing trouble rather than an unusable store.
 */
function lockedAtOpen(err: unknown, file: string): StorageUnavailableError | undefined {
  const code = sqliteErrorIn(err)?.code;
  if (!code || troubleOf(code) !== 'busy') return undefined;
  return new StorageUnavailableError(
    `cannot use the database ${file} now: another process has held its lock for more than ${BUSY_TIMEOUT_MS / 1000} s (${code}); stop it, or try again once it is done`,
    'busy',
  );
}

/** Rewrites the readiness probe's row: the smallest write that reaches the database's log. */
export function probeWrite(sqlite: Database.Database, now = new Date()): void {
  sqlite
    .prepare(
      'insert into readiness_probe (id, checked_at) values (1, ?) on conflict (id) do update set checked_at = excluded.checked_at',
    )
    .run(now.toISOString());
}

function configureAndMigrate(
  sqlite: Database.Database,
  connection: Database.Database,
  path: string,
  file: string | undefined,
  options: OpenOptions,
): Db {
  if (options.pageSize) sqlite.pragma(`page_size = ${Math.trunc(options.pageSize)}`);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL keeps WAL commits durable across process crashes; only power loss may lose the last ones.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Ingest inserts each device's software into an index ordered by package, so a snapshot
  // touches pages all over it: a 64 MiB page cache keeps them in memory, and checkpointing
  // every 10,000 pages (~40 MiB of WAL) instead of 1,000 writes each hot page back once per
  // many snapshots instead of once per few (measured: ingest CPU down by a third). The server
  // hands these checkpoints to a thread of its own (checkpoints/index.ts), at the same size.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
  if (file) checkIntegrity(sqlite, file);
  const applied = checkNotNewer(sqlite, file ?? path);
  const expected = knownMigrations(MIGRATIONS).length;
  if (options.refusePendingMigrations !== undefined && applied > 0 && applied < expected) {
    throw unusable(
      file ?? path,
      `its schema version ${applied} is older than this collector's ${expected} (${expected - applied} migration${expected - applied === 1 ? '' : 's'} pending); ${options.refusePendingMigrations}`,
      'needs-migration',
    );
  }
  const db = drizzle(connection, { schema });
  // The migrator on the plain handle: nothing is compiled through the statement cache before it runs.
  applyMigrations(sqlite, path);
  return db;
}

/**
 * Applies the migrations this collector ships that the database lacks; returns how many were
 * applied before and after. The caller has checked the database is not from a newer collector.
 */
export function applyMigrations(sqlite: Database.Database, path: string): { from: number; to: number } {
  const known = knownMigrations(MIGRATIONS);
  const from = schemaVersions(sqlite, known).found;
  // Table rebuilds drop and rename parents of other tables; with foreign keys on, dropping a
  // parent would cascade into its children. The migrator runs in a transaction, where the
  // pragma cannot change, so it is switched off around it and the result checked after.
  // The check reads every row of every child table (18 s at 100,000 devices), so it runs only
  // when a migration was applied; otherwise foreign keys were on for every write since the last.
  sqlite.pragma('foreign_keys = OFF');
  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
  const to = schemaVersions(sqlite, known).found;
  if (to !== from) {
    const broken = sqlite.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) {
      throw new Error(`database ${path} has ${broken.length} rows with dangling references after migration`);
    }
  }
  sqlite.pragma('foreign_keys = ON');
  return { from, to };
}
