import { StoreUnusableError } from '../domain/errors.ts';
import { missingPorts, type Stores } from '../domain/ports.ts';
import type { PostgresTls } from '../store/postgres/connection.ts';
import { describeDatabase } from '../store/postgres/connection-settings.ts';
import type { OpenOptions } from '../store/sqlite/open-database.ts';
import { openSqliteStores } from '../store/sqlite/stores.ts';

/** A PostgreSQL database and how to reach it. */
export interface PostgresLocation {
  engine: 'postgres';
  /** `postgres://user:password@host:port/database`, without TLS parameters (those are in `tls`). */
  url: string;
  /** Connections this instance's pool holds at most. */
  poolSize?: number;
  tls?: PostgresTls;
}

/**
 * Where the collector's data is: a SQLite file (its path, as `--db` has always taken it), or a
 * PostgreSQL database. A `postgres://` or `postgresql://` URL given as a string is that database
 * with the default pool and no TLS, and `sqlite:/path` is the file at /path.
 */
export type DatabaseLocation = string | PostgresLocation;

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** The location as the engine to open: a string is a SQLite path unless it is a PostgreSQL URL. */
export function resolveLocation(location: DatabaseLocation): { engine: 'sqlite'; path: string } | PostgresLocation {
  if (typeof location !== 'string') return location;
  if (POSTGRES_URL.test(location)) return { engine: 'postgres', url: location };
  return { engine: 'sqlite', path: location.replace(/^sqlite:/i, '') };
}

/** The location in words for logs and messages: a file's path, or a database's URL without its password. */
export function describeLocation(location: DatabaseLocation): string {
  const resolved = resolveLocation(location);
  return resolved.engine === 'sqlite' ? resolved.path : describeDatabase(resolved.url);
}

/**
 * Opens the engine the location names. PostgreSQL is opened, then checked to be a whole
 * `Stores`: while some of its ports are still to be built, a collector cannot run on it, and
 * the refusal names those ports, as the engine reports them.
 */
export async function openStores(location: DatabaseLocation, sqlite: OpenOptions = {}): Promise<Stores> {
  const resolved = resolveLocation(location);
  if (resolved.engine === 'sqlite') return openSqliteStores(resolved.path, sqlite);
  // Loaded only when asked for: a collector on SQLite never loads the PostgreSQL driver.
  const { openPostgresStores } = await import('../store/postgres/stores.ts');
  const ports = await openPostgresStores({
    url: resolved.url,
    ...(resolved.poolSize !== undefined ? { poolSize: resolved.poolSize } : {}),
    ...(resolved.tls ? { tls: resolved.tls } : {}),
  });
  const missing = missingPorts(ports);
  // Checked just above: every port of Stores is there.
  if (missing.length === 0) return ports as Stores;
  await ports.close();
  throw new StoreUnusableError(
    `cannot run on ${describeDatabase(resolved.url)}: the PostgreSQL engine does not have these ports yet: ${missing.join(', ')}; use SQLite (--db sqlite:/path) until it does`,
    'unreadable',
  );
}
