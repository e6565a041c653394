import Database from 'better-sqlite3';
import { type StorageTrouble, StorageUnavailableError } from '../../domain/errors.ts';
import { eachPortTranslating, portTranslating } from '../translated-ports.ts';

/** What each kind of trouble is called in the error the domain sees. */
const TROUBLE_MESSAGES: Record<StorageTrouble, string> = {
  busy: 'The database is busy with another writer; try again shortly',
  'disk-full': 'The disk holding the database is full',
  'read-only': 'The database cannot be written: its file or file system is read-only',
  'io-error': 'The disk holding the database failed to read or write',
};

type SqliteError = InstanceType<typeof Database.SqliteError>;

/** The SQLite error behind `err`: itself, or one of its causes (drizzle wraps the driver's errors). */
export function sqliteErrorIn(err: unknown): SqliteError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof Database.SqliteError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Which passing trouble a SQLite result code is, if it is one: a lock held past the busy
 * timeout, a full disk, a file system remounted read-only, failing I/O. Anything else (a
 * constraint, a corrupt page, a bug) is not something a retry fixes, and stays as it is.
 */
export function troubleOf(code: string): StorageTrouble | undefined {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  // The unix VFS reports ENOSPC as SQLITE_FULL; EROFS on a write comes as an I/O error.
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_IOERR')) return 'io-error';
  return undefined;
}

/** `err` in the domain's words when it is passing storage trouble; otherwise `err` itself. */
export function translateStorageError(err: unknown): unknown {
  if (err instanceof StorageUnavailableError) return err;
  const sqlite = sqliteErrorIn(err);
  const trouble = sqlite ? troubleOf(sqlite.code) : undefined;
  if (!sqlite || !trouble) return err;
  return new StorageUnavailableError(`${TROUBLE_MESSAGES[trouble]} (${sqlite.code})`, trouble);
}

/**
 * The port with every method's failures translated to the domain's StorageUnavailableError
 * when they are passing storage trouble (translateStorageError), and the ports it holds
 * (`lists.devices`) likewise. Wrapping each port at the engine's boundary keeps SQLite's
 * result codes out of the domain without a try/catch in every repository.
 */
export function withStorageErrorsTranslated<T extends object>(port: T): T {
  return portTranslating(port, translateStorageError);
}

/** Every port of `ports` with its failures translated (withStorageErrorsTranslated). */
export function eachWithStorageErrorsTranslated<T extends Record<string, object>>(ports: T): T {
  return eachPortTranslating(ports, translateStorageError);
}
