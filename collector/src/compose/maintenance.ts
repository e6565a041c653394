import type { StorageMaintenance } from '../domain/maintenance/ports.ts';
import { type RestoreReport, restoreSqliteDatabase } from '../store/sqlite/maintenance/restore.ts';
import { openSqliteMaintenance } from '../store/sqlite/maintenance/sqlite-maintenance.ts';

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

/** Replaces the database with a checked backup (the engine's own file operation: nothing is open on it). */
export function restoreDatabase(backupFile: string, dbPath: string): Promise<RestoreReport> {
  return restoreSqliteDatabase(backupFile, dbPath, { stopHint: STOP_FIRST });
}
