import pg from 'pg';
import { type StoreRefusal, StoreUnusableError } from '../../domain/errors.ts';
import { describeSchema, knownMigrations } from '../migration-journal.ts';
import { MIGRATIONS, schemaVersions } from './migrate.ts';

/** The database in words for messages: user, host, port and name, never the password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `postgres://${user}${u.host}${u.pathname}`;
  } catch {
    return 'the PostgreSQL database (its URL does not parse)';
  }
}

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

/** `err` from opening or migrating the database, as a refusal when it says the database cannot be used. */
export function refusalFor(err: unknown, where: string): StoreUnusableError | undefined {
  if (err instanceof StoreUnusableError) return err;
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
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
