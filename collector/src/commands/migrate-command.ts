import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateDatabase, openMigrations } from '../compose/maintenance.ts';
import { BackupError, type MigrationStatus } from '../domain/maintenance/ports.ts';
import { backupRefused, EXIT as MAINTENANCE_EXIT } from './maintenance-commands.ts';
import type { Io } from './register-commands.ts';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summary(status: MigrationStatus): string {
  const { database, version, expected, pending } = status;
  if (pending.length === 0) return `database ${database}: schema version ${version}, up to date`;
  if (version === 0) {
    return `database ${database}: new and empty, ${plural(pending.length, 'migration')} pending (stocktake-collector migrate, or serve, applies them)`;
  }
  return `database ${database}: schema version ${version}, this collector's is ${expected}: ${plural(pending.length, 'migration')} pending (stocktake-collector migrate backs it up and applies them)`;
}

/** `migrate --status`: the migrations applied and pending; nothing is written. */
async function printStatus(dbPath: string, json: boolean, io: Io): Promise<number> {
  const migrations = openMigrations(dbPath, 'read');
  try {
    const status = await migrations.status();
    if (json) {
      io.out(`${JSON.stringify(status, null, 2)}\n`);
      return 0;
    }
    io.out(`${summary(status)}\n`);
    for (const { name } of status.applied) io.out(`applied  ${name}\n`);
    for (const name of status.pending) io.out(`pending  ${name}\n`);
    return 0;
  } finally {
    migrations.close();
  }
}

/**
 * `stocktake-collector migrate [--status] [--json]`: the schema's migrations, applied when asked.
 * Applying takes an online backup first (beside the database, named after its schema version),
 * as `serve` does; `--status` only reads.
 */
export async function runMigrateCommand(
  dbPath: string,
  options: { status: boolean; json: boolean },
  io: Io,
): Promise<number> {
  if (dbPath === ':memory:' || !existsSync(dbPath)) {
    io.err(`stocktake-collector: no database at ${resolve(dbPath)} (pass --db; serve creates a new one)\n`);
    return MAINTENANCE_EXIT.noInput;
  }
  try {
    if (options.status) return await printStatus(dbPath, options.json, io);
    const done = await migrateDatabase(dbPath, (backup, status) => {
      io.out(
        `backed up schema version ${status.version} to ${backup.path} (${mib(backup.bytes)}, ${backup.durationMs} ms)\n`,
      );
    });
    if (!done?.migrated) {
      io.out(`nothing to migrate: ${done ? summary(done.status).replace(/^database \S+: /, '') : 'no database'}\n`);
      return 0;
    }
    const { from, to, applied, durationMs } = done.migrated;
    if (options.json) {
      io.out(`${JSON.stringify({ from, to, applied, durationMs, backup: done.backup?.path ?? null }, null, 2)}\n`);
      return 0;
    }
    io.out(
      `migrated from schema version ${from} to ${to} (${plural(applied.length, 'migration')}, ${durationMs} ms)\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) return backupRefused(err, io);
    throw err;
  }
}
