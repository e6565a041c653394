import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.ts';

/** drizzle over the engine's pool, typed by the PostgreSQL schema. */
export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/** How the engine reaches its database. */
export interface ConnectionOptions {
  /** `postgres://user@host:port/database?…`, as libpq and node-postgres read it. */
  url: string;
  /**
   * Connections the pool holds at most. A collector's writes are short transactions and its
   * reads single queries, so a few connections serve one instance; several instances share the
   * server's max_connections.
   */
  poolSize?: number;
}

export const DEFAULT_POOL_SIZE = 10;

/** The pool and drizzle over it. Opening connects nothing: the first query does. */
export function connect(options: ConnectionOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    application_name: 'stocktake-collector',
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
