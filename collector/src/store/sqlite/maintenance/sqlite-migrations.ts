import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  BackupError,
  type MigrationReport,
  type MigrationStatus,
  type SchemaMigrations,
} from '../../../domain/maintenance/ports.ts';
import { applyMigrations, checkNotNewer, MIGRATIONS, prepareFile, refusalFor, unusable } from '../open-database.ts';
import { knownMigrations } from '../schema-version.ts';
import { processesHolding } from './holders.ts';

/** The generation times drizzle recorded for the migrations applied, oldest first. */
function appliedTimes(sqlite: Database.Database): number[] {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return [];
  return (
    sqlite.prepare('select created_at as at from __drizzle_migrations order by id').all() as { at: number | string }[]
  ).map((row) => Number(row.at));
}

function statusOf(sqlite: Database.Database, file: string): MigrationStatus {
  // A database a newer collector wrote is refused here, in the words the server uses at start.
  checkNotNewer(sqlite, file);
  const known = knownMigrations(MIGRATIONS);
  const times = appliedTimes(sqlite);
  const latest = Math.max(0, ...times);
  // drizzle applies what was generated after the newest migration recorded, and nothing else.
  const byTime = new Map(known.map((m) => [m.when, m.tag]));
  return {
    database: file,
    applied: times.map((at) => ({ name: byTime.get(at) ?? `(unknown migration of ${new Date(at).toISOString()})` })),
    pending: known.filter((m) => m.when > latest).map((m) => m.tag),
    version: times.length,
    expected: known.length,
  };
}

export interface MigrationOptions {
  /** What to say when another process serves the database a migration would change under it. */
  stopHint: string;
  /**
   * For serve and migrate, which may write: the file and its directory are checked first as the
   * store checks them at open (writable, a disk not full), so a database that cannot be used is
   * refused in the same words whichever opens it first. `--status` only reads.
   */
  mayWrite: boolean;
}

/** SQLite's errors on a file it cannot use, as the store's one-line refusals. */
function translated<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw refusalFor(err, file) ?? err;
  }
}

/**
 * The SQLite engine's schema migrations on a database file as it is: opened without being
 * created, checked or migrated. `apply` refuses while another process has the file open: a
 * running collector of the previous version would carry on with a schema it does not know.
 */
export function openSqliteMigrations(path: string, options: MigrationOptions): SchemaMigrations & { close(): void } {
  const file = resolve(path);
  if (options.mayWrite) prepareFile(file, 1);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw refusalFor(err, file) ?? unusable(file, `it cannot be opened (${(err as Error).message})`, 'unreadable');
  }
  sqlite.pragma('busy_timeout = 5000');
  return {
    async status() {
      return translated(file, () => statusOf(sqlite, file));
    },
    async apply(): Promise<MigrationReport> {
      const before = translated(file, () => statusOf(sqlite, file));
      if (before.pending.length === 0) {
        return { from: before.version, to: before.version, applied: [], durationMs: 0 };
      }
      const live = realpathSync(file);
      const holders = await processesHolding([live, `${live}-wal`, `${live}-shm`]);
      if (holders.length > 0) {
        const who = holders.map((h) => `pid ${h.pid} (${h.command || 'unknown'})`).join(', ');
        throw new BackupError(
          `the database ${file} is open in ${who}; nothing was migrated. ${options.stopHint}`,
          'in-use',
        );
      }
      const started = performance.now();
      const { from, to } = translated(file, () => {
        sqlite.pragma('journal_mode = WAL');
        return applyMigrations(sqlite, file);
      });
      return { from, to, applied: before.pending, durationMs: Math.round(performance.now() - started) };
    },
    close: () => sqlite.close(),
  };
}
