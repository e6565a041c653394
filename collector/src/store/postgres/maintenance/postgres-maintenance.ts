import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import {
  BackupError,
  type BackupReport,
  type StorageMaintenance,
  type StorageStatistics,
} from '../../../domain/maintenance/ports.ts';
import { writeBackupFile } from '../../backup-files.ts';
import { knownMigrations } from '../../migration-journal.ts';
import { MIGRATIONS, schemaVersions } from '../migrate.ts';

const run = promisify(execFile);

/** The program that writes a PostgreSQL backup: the PostgreSQL client's, found on PATH. */
export const PG_DUMP = 'pg_dump';

/**
 * The connection URL without its password, and the password apart: pg_dump is handed the
 * password in its environment (PGPASSWORD), never on its command line, which process listings show.
 */
export function splitPassword(url: string): { url: string; password?: string } {
  const parsed = new URL(url);
  if (parsed.password === '') return { url };
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), password };
}

/** pg_dump's last words (it explains on stderr), for the operator. */
function pgDumpFailure(err: unknown): BackupError {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  if (e.code === 'ENOENT') {
    return new BackupError(
      `${PG_DUMP} was not found: a PostgreSQL store is backed up with PostgreSQL's own client; install it (Debian: postgresql-client, of the server's major version or newer), or back the database up with pg_dump or pg_basebackup where the server runs`,
    );
  }
  const said = e.stderr?.trim().split('\n').at(-1) ?? e.message;
  return new BackupError(`${PG_DUMP} failed: ${said}`, 'failed', { cause: err });
}

/**
 * The PostgreSQL engine's maintenance port: the database's size as the server counts it, the
 * group commit's figures, and a backup.
 *
 * PostgreSQL is backed up with its own tools: a base backup and the write-ahead log archived
 * continuously (pg_basebackup, or a managed service's snapshots) for point-in-time recovery,
 * which is the server operator's business, not a collector's. What the collector's `backup`
 * makes is the logical copy SQLite's online backup stands for: `pg_dump --format=custom` of
 * this database, restored with `pg_restore` into an empty database. It is consistent while the
 * collector keeps serving: the snapshot pg_dump reads is exported from a repeatable-read
 * transaction that also reads the schema version, so the version reported is the one the copy
 * holds, and later commits are in neither. pg_dump must be of the server's major version or
 * newer; one that is missing or refuses is a BackupError saying so.
 */
export function createPostgresMaintenance(
  pool: pg.Pool,
  url: string,
  writeBatcher?: { queued(): number; stats(): { batches: number; units: number } },
): StorageMaintenance {
  const known = knownMigrations(MIGRATIONS);
  return {
    async statistics(): Promise<StorageStatistics> {
      const { rows } = await pool.query<{ bytes: string }>(
        'select pg_database_size(current_database())::text as bytes',
      );
      const databaseBytes = Number(rows[0]?.bytes ?? 0);
      if (!writeBatcher) return { databaseBytes };
      const { batches, units } = writeBatcher.stats();
      return { databaseBytes, writeQueue: { depth: writeBatcher.queued(), batches, units } };
    },

    backup(file: string): Promise<BackupReport> {
      return writeBackupFile(file, async (partial) => {
        const client = await pool.connect();
        try {
          await client.query('begin isolation level repeatable read read only');
          const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
          const snapshot = rows[0]?.snapshot;
          if (!snapshot) throw new BackupError('the server exported no snapshot to back up');
          const { found } = await schemaVersions(client, known);
          const target = splitPassword(url);
          // The exporting transaction stays open until pg_dump has read everything it needs.
          await run(
            PG_DUMP,
            ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--file=${partial}`, target.url],
            { env: { ...process.env, ...(target.password ? { PGPASSWORD: target.password } : {}) } },
          ).catch((err) => {
            throw pgDumpFailure(err);
          });
          return found;
        } finally {
          await client.query('rollback').catch(() => undefined);
          client.release();
        }
      });
    },
  };
}
