import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openMaintenance, restoreDatabase } from '../compose/maintenance.ts';
import { BackupError, type BackupFailure } from '../domain/maintenance/ports.ts';
import type { Io } from './register-commands.ts';

/** sysexits.h: a damaged or foreign backup, no database, cannot create, I/O failure, in use (try again once stopped). */
export const EXIT: Record<BackupFailure | 'ok' | 'noInput', number> = {
  ok: 0,
  invalid: 65,
  noInput: 66,
  exists: 73,
  failed: 74,
  'in-use': 75,
};

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A backup, restore or migration refused or failed: its one line, and its exit code. */
export function backupRefused(err: unknown, io: Io): number {
  if (!(err instanceof BackupError)) throw err;
  io.err(`stocktake-collector: ${err.message}\n`);
  return EXIT[err.failure];
}

/**
 * `stocktake-collector backup FILE`: a consistent copy of the database, taken while the
 * collector keeps serving (and ingesting), checked, written to a new file.
 */
export async function runBackupCommand(dbPath: string, file: string, io: Io): Promise<number> {
  if (!existsSync(dbPath)) {
    io.err(`stocktake-collector: no database at ${resolve(dbPath)} (pass --db, or STOCKTAKE_DB)\n`);
    return EXIT.noInput;
  }
  try {
    const maintenance = openMaintenance(dbPath);
    try {
      const report = await maintenance.backup(file);
      io.out(
        `backup written to ${report.path} (${mib(report.bytes)}, schema version ${report.schemaVersion}, ${report.durationMs} ms)\n`,
      );
      return EXIT.ok;
    } finally {
      maintenance.close();
    }
  } catch (err) {
    return backupRefused(err, io);
  }
}

/**
 * `stocktake-collector restore FILE`: checks the backup (integrity, schema version) and that no
 * collector has the database open, then puts the backup in its place. The database replaced is
 * kept beside it.
 */
export async function runRestoreCommand(dbPath: string, file: string, io: Io): Promise<number> {
  try {
    const report = await restoreDatabase(file, dbPath);
    if (report.previous) io.out(`the database it replaced is kept as ${report.previous}\n`);
    io.out(`restored ${resolve(file)} to ${report.path} (schema version ${report.schemaVersion})\n`);
    return EXIT.ok;
  } catch (err) {
    return backupRefused(err, io);
  }
}
