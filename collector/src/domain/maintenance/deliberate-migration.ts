import type { BackupReport, MigrationReport, MigrationStatus, SchemaMigrations, StorageMaintenance } from './ports.ts';

export interface DeliberateMigration {
  status: MigrationStatus;
  /** The backup taken first: absent when nothing was pending, or the database was new and empty. */
  backup?: BackupReport;
  /** Absent when nothing was pending. */
  migrated?: MigrationReport;
}

export interface DeliberateMigrationSteps {
  migrations: SchemaMigrations;
  /** The engine's online backup (the `backup` command's). */
  backup: StorageMaintenance['backup'];
  /** Where the backup of a database at this schema version goes. */
  backupFile(version: number): string;
  /** Told of the backup as soon as it is written, before anything is migrated. */
  onBackup?(report: BackupReport, status: MigrationStatus): void;
}

/**
 * Migrates a database only once a backup of it as it was is on disk: an upgrade that goes
 * wrong is undone by restoring that file with the previous version. A database with no
 * migration applied yet holds nothing to keep, and is given its schema directly.
 */
export async function migrateAfterBackup(steps: DeliberateMigrationSteps): Promise<DeliberateMigration> {
  const status = await steps.migrations.status();
  if (status.pending.length === 0) return { status };
  let backup: BackupReport | undefined;
  if (status.version > 0) {
    backup = await steps.backup(steps.backupFile(status.version));
    steps.onBackup?.(backup, status);
  }
  const migrated = await steps.migrations.apply();
  return { status, ...(backup ? { backup } : {}), migrated };
}
