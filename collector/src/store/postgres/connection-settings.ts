/**
 * The engine's connection settings that the configuration checks, kept apart from the driver so
 * that reading the configuration (and `--help`) does not load it.
 */

/**
 * libpq's sslmode values the engine takes. `prefer` and `allow` are not among them: they fall
 * back to plain text when TLS fails, so whoever sits between could decide the connection is
 * unencrypted; the driver cannot do that fallback either.
 */
export const POSTGRES_TLS_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type PostgresTlsMode = (typeof POSTGRES_TLS_MODES)[number];

/**
 * Connections the pool holds at most by default. A collector's writes are short transactions
 * and its reads single queries, so a few connections serve one instance; several instances
 * share the server's max_connections.
 */
export const DEFAULT_POOL_SIZE = 10;

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
