import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { DEFAULT_POOL_SIZE, type PostgresTlsMode } from './connection-settings.ts';
import * as schema from './schema/index.ts';

/** drizzle over the engine's pool, typed by the PostgreSQL schema. */
export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/** How the engine reaches its database. */
export interface ConnectionOptions {
  /** `postgres://user@host:port/database?…`, as libpq and node-postgres read it. */
  url: string;
  /** Connections the pool holds at most (DEFAULT_POOL_SIZE when absent). */
  poolSize?: number;
  /** TLS to the server (absent: none, as for a server on this machine). */
  tls?: PostgresTls;
}

/** How the connection to the server is protected, as libpq's sslmode and sslrootcert say it. */
export interface PostgresTls {
  /**
   * disable: plain text. require: encrypted, the server's certificate not checked (libpq's
   * meaning; with a CA file it is checked as verify-ca). verify-ca: the certificate chains to
   * the CA. verify-full: that, and it names the host the URL names.
   */
  mode: PostgresTlsMode;
  /** PEM file of the CA(s) the server's certificate must chain to; Node's CA store when absent. */
  caFile?: string;
}

/** How long a new connection may take before the attempt fails (an unreachable host never answers). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The driver's TLS options for `tls`: false for none. */
export function tlsOptions(tls: PostgresTls | undefined): false | TlsOptions {
  if (!tls || tls.mode === 'disable') return false;
  const ca = tls.caFile ? readFileSync(tls.caFile, 'utf8') : undefined;
  const withCa = ca ? { ca } : {};
  const skipHostName = { checkServerIdentity: () => undefined };
  if (tls.mode === 'require') return ca ? { ...withCa, ...skipHostName } : { rejectUnauthorized: false };
  if (tls.mode === 'verify-ca') return { ...withCa, ...skipHostName };
  return withCa;
}

/**
 * A client whose connection attempt gives up after CONNECT_TIMEOUT_MS. Set on the client, not
 * the pool: the pool's own timeout would also bound the wait for a free connection, which a
 * burst of ingest may rightly spend longer in.
 */
class TimedClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: config?.connectionTimeoutMillis ?? CONNECT_TIMEOUT_MS });
  }
}

/** The pool and drizzle over it. Opening connects nothing: the first query does. */
export function connect(options: ConnectionOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    application_name: 'stocktake-collector',
    ssl: tlsOptions(options.tls),
    Client: TimedClient,
  });
  // An idle connection the server drops (a restart, a fail-over) is an error event on the pool:
  // without a listener it would end the process. The next query takes a fresh connection.
  pool.on('error', () => undefined);
  return drizzle({ client: pool, schema }) as Db;
}

/** A transaction drizzle hands to `db.transaction`'s callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What a query runs on: the pool, or the transaction of the write it belongs to. */
export type Executor = Db | Tx;

/** The SQLSTATE of a PostgreSQL error behind `err` (drizzle wraps the driver's errors), if any. */
export function sqlStateOf(err: unknown): { code: string; constraint?: string } | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof pg.DatabaseError && current.code) {
      return { code: current.code, ...(current.constraint ? { constraint: current.constraint } : {}) };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** unique_violation: a row another write holds the key of, possibly a concurrent one. */
export const UNIQUE_VIOLATION = '23505';
