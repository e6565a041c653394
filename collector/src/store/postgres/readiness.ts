import { existsSync } from 'node:fs';
import type pg from 'pg';
import type { ReadinessCheck, ReadinessOptions } from '../../domain/ports.ts';
import { formatBytes, freeBytes } from '../disk-space.ts';
import { describeSchema, knownMigrations } from '../migration-journal.ts';
import { MIGRATIONS, schemaVersions } from './migrate.ts';

const failure = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err)) ?? 'failed';

/** Hosts that are this machine: only there is the server's data directory our file system too. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether the pool reaches a server on this machine: a loopback address or a unix socket folder. */
function isLocal(pool: pg.Pool): boolean {
  const host = pool.options.host ?? 'localhost';
  return host.startsWith('/') || LOCAL_HOSTS.has(host);
}

/**
 * The readiness checks over a PostgreSQL database. Each check catches its own failure, so one
 * failing says which; a closed pool fails them all, reported.
 */
export function createReadiness(pool: pg.Pool) {
  const known = knownMigrations(MIGRATIONS);

  const writable = async (): Promise<ReadinessCheck> => {
    try {
      // A real write: a standby after a fail-over, a full disk or a read-only database refuse it.
      await pool.query(
        'insert into readiness_probe (id, checked_at) values (1, now()) on conflict (id) do update set checked_at = excluded.checked_at',
      );
      return { name: 'writable', ok: true, detail: 'took a write' };
    } catch (err) {
      return { name: 'writable', ok: false, detail: `a write failed: ${failure(err)}` };
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

  return async ({ minFreeBytes }: ReadinessOptions): Promise<ReadinessCheck[]> => [
    await writable(),
    await schema(),
    await diskSpace(minFreeBytes),
  ];
}
