import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  BackupError,
  type BackupReport,
  type StorageMaintenance,
  type StorageStatistics,
} from '../../../domain/maintenance/ports.ts';
import { sizeOf, writeBackupFile } from '../../backup-files.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { integrityProblems, schemaVersionOf } from './database-checks.ts';

/**
 * Makes the copy self-contained (one file, no write-ahead log beside it), checks it page by
 * page, and reads the schema version it carries.
 */
function finishCopy(path: string): number {
  const copy = new Database(path);
  try {
    copy.pragma('journal_mode = DELETE');
    const problems = integrityProblems(copy);
    if (problems.length > 0) throw new BackupError(`the backup failed its integrity check: ${problems.join('; ')}`);
    return schemaVersionOf(copy);
  } finally {
    copy.close();
  }
}

/**
 * The SQLite engine's maintenance port: figures from the file and the write batcher (absent
 * when the database was opened for maintenance alone), and backups through SQLite's online
 * backup API.
 */
export function createSqliteMaintenance(
  sqlite: Database.Database,
  path: string,
  writeBatcher?: Pick<WriteBatcher, 'stats' | 'queued'>,
): StorageMaintenance {
  const inMemory = path === ':memory:' || path === '';
  return {
    async statistics(): Promise<StorageStatistics> {
      const databaseBytes = inMemory
        ? (sqlite.pragma('page_count', { simple: true }) as number) *
          (sqlite.pragma('page_size', { simple: true }) as number)
        : (await sizeOf(path)) + (await sizeOf(`${path}-wal`));
      if (!writeBatcher) return { databaseBytes };
      const { batches, units } = writeBatcher.stats();
      return { databaseBytes, writeQueue: { depth: writeBatcher.queued(), batches, units } };
    },

    async backup(file: string): Promise<BackupReport> {
      const target = resolve(file);
      if (!inMemory && target === resolve(path)) {
        throw new BackupError('the backup file cannot be the database itself', 'exists');
      }
      // After the backup API's first (empty) step, copy every remaining page in one step. The
      // step reads one snapshot of the database (WAL readers do not block writers), so
      // ingest carries on; smaller steps would start over each time another process commits,
      // and under steady ingest might never finish.
      return writeBackupFile(target, async (partial) => {
        await sqlite.backup(partial, { progress: () => 0x7fffffff });
        return finishCopy(partial);
      });
    },
  };
}

/**
 * The maintenance port on a database file opened as it is: not created, not migrated (a
 * backup taken before a migration must hold the schema as it was). For the admin commands.
 */
export function openSqliteMaintenance(path: string): StorageMaintenance & { close(): void } {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`cannot open the database ${path}: ${(err as Error).message}`, 'failed', { cause: err });
  }
  // The collector may be committing: wait for its write lock instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  return { ...createSqliteMaintenance(sqlite, path), close: () => sqlite.close() };
}
