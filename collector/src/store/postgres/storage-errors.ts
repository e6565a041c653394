import pg from 'pg';
import { type StorageTrouble, StorageUnavailableError } from '../../domain/errors.ts';

/**
 * The passing troubles a PostgreSQL SQLSTATE is, by class or by code. Anything else (a
 * constraint, a syntax error, corrupt data, a bug) is not something a retry fixes, and stays as it is.
 */
const TROUBLE_BY_SQLSTATE: ReadonlyArray<[RegExp, StorageTrouble]> = [
  // disk_full; the other insufficient-resource codes (out of memory, too many connections) pass.
  [/^53100$/, 'disk-full'],
  [/^53/, 'busy'],
  // read_only_sql_transaction: a standby after a fail-over, or a database set read-only.
  [/^25006$/, 'read-only'],
  // serialization_failure, deadlock_detected, lock_not_available, query_canceled (a timeout).
  [/^(40001|40P01|55P03|57014)$/, 'busy'],
  // io_error, and the server shutting down or not accepting connections yet.
  [/^(58030|57P01|57P02|57P03)$/, 'io-error'],
  // connection_exception and its subclasses.
  [/^08/, 'io-error'],
];

/** Socket errors on the way to the server: it is down, restarting, or the network is. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

const MESSAGES: Record<StorageTrouble, string> = {
  busy: 'The database is busy (a lock, a conflict with another writer, or no connection free); try again shortly',
  'disk-full': 'The disk holding the database is full',
  'read-only': 'The database refuses writes: it is read-only (a standby, or set read-only)',
  'io-error': 'The database server could not be reached, or failed to read or write',
};

/** The PostgreSQL trouble behind `err` (drizzle wraps the driver's errors), with what to call it. */
function troubleIn(err: unknown): { trouble: StorageTrouble; code: string } | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof pg.DatabaseError && current.code) {
      const code = current.code;
      const found = TROUBLE_BY_SQLSTATE.find(([pattern]) => pattern.test(code));
      return found ? { trouble: found[1], code } : undefined;
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return { trouble: 'io-error', code };
    if (current instanceof Error && /^Connection terminated/.test(current.message)) {
      return { trouble: 'io-error', code: 'connection terminated' };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `err` in the domain's words when it is passing storage trouble; otherwise `err` itself. */
export function translateStorageError(err: unknown): unknown {
  if (err instanceof StorageUnavailableError) return err;
  const found = troubleIn(err);
  if (!found) return err;
  return new StorageUnavailableError(`${MESSAGES[found.trouble]} (${found.code})`, found.trouble);
}
