import pg from 'pg';
import { StorageUnavailableError, type StoreRefusal, StoreUnusableError } from '../../domain/errors.ts';
import { describeSchema, knownMigrations } from '../migration-journal.ts';
import { describeDatabase } from './connection-settings.ts';
import { MIGRATIONS, schemaVersions } from './migrate.ts';

export { describeDatabase };

/** A database that must not be used, said in one line: which one, what is wrong, and what to do. */
function unusable(where: string, problem: string, refusal: StoreRefusal): StoreUnusableError {
  return new StoreUnusableError(`cannot use the database ${where}: ${problem.replace(/\s*\n\s*/g, ' ')}`, refusal);
}

/** Refusals by SQLSTATE: what no retry fixes, so the collector does not start on it. */
const REFUSALS: ReadonlyArray<[RegExp, StoreRefusal, string]> = [
  [/^3D000$/, 'unreadable', 'it does not exist; create it (CREATE DATABASE) or correct the URL'],
  [/^(28000|28P01)$/, 'unreadable', 'the server refused the login; check the user and password'],
  [/^42501$/, 'unreadable', 'the user may not create or change its tables; grant it the database'],
  [/^25006$/, 'read-only', 'it refuses writes (a standby, or set read-only); point the collector at the primary'],
  [/^53100$/, 'disk-full', 'the disk holding it is full; free some space on the server'],
];

/** Socket and name errors on the way to the server: it is down, or the network or DNS is; later may work. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Node's codes for a server certificate that does not verify: no retry fixes these. */
const UNTRUSTED_CERTIFICATE =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** What failed before any SQL ran (the connection, TLS), in one line; undefined for anything else. */
function connectionFailure(err: Error, where: string): StoreUnusableError | StorageUnavailableError | undefined {
  const code = (err as { code?: unknown }).code;
  // Node's attempt at each address of a name fails as an AggregateError with no message of its own.
  const detail = err.message.split('\n')[0] || (typeof code === 'string' ? `connect ${code}` : err.name);
  if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.test(code)) {
    const hint =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'connect by the name its certificate holds, or set --db-ssl-mode verify-ca'
        : 'give the CA that signed it with --db-ca-file';
    return unusable(where, `the server's certificate is not trusted (${code}: ${detail}); ${hint}`, 'unreadable');
  }
  if (/does not support SSL/i.test(detail)) {
    return unusable(
      where,
      'the server does not offer TLS; turn ssl on in its postgresql.conf, or set --db-ssl-mode disable where the network is trusted',
      'unreadable',
    );
  }
  if ((typeof code === 'string' && UNREACHABLE.has(code)) || /connection timeout|Connection terminated/i.test(detail)) {
    return new StorageUnavailableError(
      `cannot reach the database ${where}: ${detail}; is the server running, and are the host and port right?`,
      'io-error',
    );
  }
  return undefined;
}

/**
 * `err` from opening or migrating the database in one line: a refusal when the database cannot
 * be used as configured, StorageUnavailableError when the server is out of reach for now.
 */
export function refusalFor(err: unknown, where: string): StoreUnusableError | StorageUnavailableError | undefined {
  if (err instanceof StoreUnusableError || err instanceof StorageUnavailableError) return err;
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const failed =
      current instanceof Error && !(current instanceof pg.DatabaseError)
        ? connectionFailure(current, where)
        : undefined;
    if (failed) return failed;
    if (current instanceof pg.DatabaseError && current.code) {
      const code = current.code;
      const found = REFUSALS.find(([pattern]) => pattern.test(code));
      return found ? unusable(where, `${found[2]} (${code}: ${current.message})`, found[1]) : undefined;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Refuses a database a newer collector migrated: this one would misread it. */
export async function checkNotNewer(pool: pg.Pool, where: string): Promise<void> {
  const versions = await schemaVersions(pool, knownMigrations(MIGRATIONS));
  if (versions.newer) {
    throw unusable(where, `its ${describeSchema(versions)}; run that version or newer`, 'newer-schema');
  }
}
