import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DeliberateMigration, migrateAfterBackup } from '../domain/maintenance/deliberate-migration.ts';
import type {
  BackupReport,
  MigrationStatus,
  SchemaMigrations,
  StorageMaintenance,
} from '../domain/maintenance/ports.ts';
import { type RestoreReport, restoreSqliteDatabase } from '../store/sqlite/maintenance/restore.ts';
import { openSqliteMaintenance } from '../store/sqlite/maintenance/sqlite-maintenance.ts';
import { openSqliteMigrations } from '../store/sqlite/maintenance/sqlite-migrations.ts';

export type { RestoreReport } from '../store/sqlite/maintenance/restore.ts';

/**
 * The storage engine's maintenance port on a database as it is (not created, not migrated),
 * for `backup`: a backup taken before an upgrade must hold the schema it had.
 */
export function openMaintenance(dbPath: string): StorageMaintenance & { close(): void } {
  return openSqliteMaintenance(dbPath);
}

/** What to do when the collector is still serving the database a restore would replace. */
const STOP_FIRST =
  'Stop the collector first (sudo systemctl stop stocktake-collector, or docker stop with the container name), restore, then start it again.';

/** What to do when a collector of the previous version still serves the database `migrate` would change. */
const STOP_BEFORE_MIGRATING =
  'Stop the running collector first (sudo systemctl stop stocktake-collector), migrate, then start the new version.';

/** Replaces the database with a checked backup (the engine's own file operation: nothing is open on it). */
export function restoreDatabase(backupFile: string, dbPath: string): Promise<RestoreReport> {
  return restoreSqliteDatabase(backupFile, dbPath, { stopHint: STOP_FIRST });
}

/** The storage engine's migrations on a database as it is (it must exist). */
export function openMigrations(dbPath: string, access: 'read' | 'write'): SchemaMigrations & { close(): void } {
  return openSqliteMigrations(dbPath, { stopHint: STOP_BEFORE_MIGRATING, mayWrite: access === 'write' });
}

/**
 * Where the backup taken before migrating goes: beside the database, named after the schema
 * version it holds and the time, so that several upgrades leave several backups.
 */
export function preMigrationBackupFile(dbPath: string, version: number, now = new Date()): string {
  return `${resolve(dbPath)}.schema-${version}.before-migration-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Brings the database to this collector's schema, after an online backup of it as it was: what
 * `serve` does before opening it, and `migrate` on demand. A database not there yet is left for
 * the store to create.
 */
export async function migrateDatabase(
  dbPath: string,
  onBackup?: (report: BackupReport, status: MigrationStatus) => void,
): Promise<DeliberateMigration | undefined> {
  if (dbPath === ':memory:' || !existsSync(dbPath)) return undefined;
  const migrations = openMigrations(dbPath, 'write');
  try {
    return await migrateAfterBackup({
      migrations,
      backup: async (file) => {
        const maintenance = openMaintenance(dbPath);
        try {
          return await maintenance.backup(file);
        } finally {
          maintenance.close();
        }
      },
      backupFile: (version) => preMigrationBackupFile(dbPath, version),
      ...(onBackup ? { onBackup } : {}),
    });
  } finally {
    migrations.close();
  }
}
