import { existsSync } from 'node:fs';
import pg from 'pg';
import type { ReadinessCheck, ReadinessOptions } from '../../domain/ports.ts';
import { formatBytes, freeBytes } from '../disk-space.ts';
import { describeSchema, knownMigrations } from '../migration-journal.ts';
import { MIGRATIONS, schemaVersions } from './migrate.ts';

const failure = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err)) ?? 'failed';

/** The server out of reach, in words, when that is why a probe failed. */
function unreachable(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : '';
  if (/timeout/i.test(message)) return `the server did not answer within ${PROBE_TIMEOUT_MS / 1000} s (${message})`;
  if (typeof code === 'string' && /^E(CONNREFUSED|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN|CONNRESET)$/.test(code)) {
    return `cannot reach the server (${code})`;
  }
  return undefined;
}

/** Hosts that are this machine: only there is the server's data directory our file system too. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether the pool reaches a server on this machine: a loopback address or a unix socket folder. */
function isLocal(pool: pg.Pool): boolean {
  const host = pool.options.host ?? 'localhost';
  return host.startsWith('/') || LOCAL_HOSTS.has(host);
}

/**
 * How long a probe may take, connecting included: a load balancer waits a few seconds for an
 * answer, and a server out of reach must be reported as such before it gives up.
 */
export const PROBE_TIMEOUT_MS = 3_000;

/**
 * The connection readiness probes on: one of its own beside the pool, so that a pool busy with
 * ingest does not make an instance look unready, and a server out of reach is found within
 * PROBE_TIMEOUT_MS rather than after the pool's connection attempt gives up.
 */
function probeConnection(pool: pg.Pool): pg.Pool {
  const probe = new pg.Pool({
    ...pool.options,
    max: 1,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
    application_name: 'stocktake-collector readiness',
  });
  probe.on('error', () => undefined);
  return probe;
}

/** Readiness over PostgreSQL: the checks, and the end of the connection they run on. */
export interface PostgresReadiness {
  (options: ReadinessOptions): Promise<ReadinessCheck[]>;
  close(): Promise<void>;
}

/**
 * The readiness checks over a PostgreSQL database. Each check catches its own failure, so one
 * failing says which; a closed pool fails them all, reported.
 */
export function createReadiness(engine: pg.Pool): PostgresReadiness {
  const pool = probeConnection(engine);
  const known = knownMigrations(MIGRATIONS);

  const writable = async (): Promise<ReadinessCheck> => {
    try {
      // A real write: a standby after a fail-over, a full disk or a read-only database refuse it.
      await pool.query(
        'insert into readiness_probe (id, checked_at) values (1, now()) on conflict (id) do update set checked_at = excluded.checked_at',
      );
      return { name: 'writable', ok: true, detail: 'took a write' };
    } catch (err) {
      return { name: 'writable', ok: false, detail: `a write failed: ${unreachable(err) ?? failure(err)}` };
    }
  };

  const schema = async (): Promise<ReadinessCheck> => {
    try {
      const versions = await schemaVersions(pool, known);
      const ok = !versions.newer && versions.found === versions.expected;
      return { name: 'schema', ok, detail: describeSchema(versions) };
    } catch (err) {
      return { name: 'schema', ok: false, detail: `cannot read the schema version: ${failure(err)}` };
    }
  };

  /**
   * PostgreSQL has no SQL function for free disk space: it is measured on the data directory
   * when the server runs on this machine and the role may read where that is (superusers and
   * pg_read_all_settings). A remote server's disk is watched on that server; the check says so.
   */
  const diskSpace = async (minFreeBytes: number): Promise<ReadinessCheck> => {
    if (!isLocal(pool)) {
      return { name: 'disk-space', ok: true, detail: 'a remote server: its disk is watched on the server, not here' };
    }
    try {
      const { rows } = await pool.query<{ data_directory: string }>('show data_directory');
      const dir = rows[0]?.data_directory;
      if (!dir) throw new Error('the server did not say where its data directory is');
      // A server on a loopback port may still be in a container whose folders are not ours.
      if (!existsSync(dir))
        return {
          name: 'disk-space',
          ok: true,
          detail: `${dir} is not on this machine: its disk is watched on the server`,
        };
      const free = freeBytes(dir);
      const detail = `${formatBytes(free)} free, minimum ${formatBytes(minFreeBytes)}`;
      return { name: 'disk-space', ok: free >= minFreeBytes, detail };
    } catch (err) {
      return { name: 'disk-space', ok: false, detail: `cannot measure free space: ${failure(err)}` };
    }
  };

  let ended: Promise<void> | undefined;
  const readiness = async ({ minFreeBytes }: ReadinessOptions): Promise<ReadinessCheck[]> => [
    await writable(),
    await schema(),
    await diskSpace(minFreeBytes),
  ];
  readiness.close = () => {
    ended ??= pool.end();
    return ended;
  };
  return readiness;
}
