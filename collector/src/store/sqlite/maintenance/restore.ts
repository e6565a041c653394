import { chmod, chown, copyFile, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError } from '../../../domain/maintenance/ports.ts';
import { exists, fsyncPath } from '../../backup-files.ts';
import { integrityProblems, knownSchemaVersion, schemaVersionOf } from './database-checks.ts';
import { processesHolding } from './holders.ts';

export interface RestoreReport {
  /** The database now in place. */
  path: string;
  schemaVersion: number;
  /** Where the database it replaced was moved (undefined when there was none). */
  previous?: string;
}

export interface RestoreOptions {
  /** What to say when a collector holds the database (how to stop it where it runs). */
  stopHint: string;
  now?: Date;
}

/** Checks a copy of the backup page by page and reads its schema version; refuses what this collector cannot serve. */
function checkCopy(path: string, backup: string): number {
  let copy: Database.Database;
  try {
    copy = new Database(path, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${backup} cannot be opened as a database: ${(err as Error).message}`, 'invalid');
  }
  try {
    let problems: string[];
    try {
      problems = integrityProblems(copy);
    } catch (err) {
      throw new BackupError(`${backup} cannot be read as a database: ${(err as Error).message}`, 'invalid');
    }
    if (problems.length > 0) {
      throw new BackupError(
        `${backup} failed its integrity check, nothing was replaced: ${problems.slice(0, 5).join('; ')}`,
        'invalid',
      );
    }
    const version = schemaVersionOf(copy);
    const known = knownSchemaVersion();
    if (version === 0)
      throw new BackupError(`${backup} is not a Stocktake database (it has no schema version)`, 'invalid');
    if (version > known) {
      throw new BackupError(
        `${backup} has schema version ${version}, newer than this collector's ${known}: restore it with the collector version that made it`,
        'invalid',
      );
    }
    // A restored database is served in WAL mode like any other; the checked copy becomes the file.
    copy.pragma('journal_mode = WAL');
    return version;
  } finally {
    copy.close();
  }
}

/**
 * Replaces the database at `dbPath` with a backup, after checking the backup (integrity and
 * schema version) and that no process has the database open. The database replaced is kept
 * beside it, renamed, with its write-ahead log; nothing is deleted.
 */
export async function restoreSqliteDatabase(
  backupFile: string,
  dbPath: string,
  options: RestoreOptions,
): Promise<RestoreReport> {
  const backup = resolve(backupFile);
  const target = resolve(dbPath);
  if (!(await exists(backup))) throw new BackupError(`${backup} does not exist`, 'invalid');
  if (backup === target) throw new BackupError('the backup file is the database itself', 'invalid');

  const dir = dirname(target);
  const staged = resolve(dir, `.${basename(target)}.restoring-${process.pid}`);
  try {
    // A new machine (disaster recovery) may not have the database's directory yet.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await copyFile(backup, staged);
    const schemaVersion = checkCopy(staged, backup);

    const live = await realpath(target).catch(() => target);
    const holders = await processesHolding([live, `${live}-wal`, `${live}-shm`]);
    if (holders.length > 0) {
      const who = holders.map((h) => `pid ${h.pid} (${h.command || 'unknown'})`).join(', ');
      throw new BackupError(
        `the database ${target} is open in ${who}; nothing was replaced. ${options.stopHint}`,
        'in-use',
      );
    }

    let previous: string | undefined;
    if (await exists(target)) {
      // The service's user must still own its database when root restores it.
      const owner = await stat(target);
      await chown(staged, owner.uid, owner.gid).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPERM') throw err;
      });
      const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
      previous = `${target}.before-restore-${stamp}`;
      await rename(target, previous);
      // SQLite finds a write-ahead log by the database's name: it moves with it.
      if (await exists(`${target}-wal`)) await rename(`${target}-wal`, `${previous}-wal`);
      await rm(`${target}-shm`, { force: true });
    }
    await chmod(staged, 0o600);
    await fsyncPath(staged);
    await rename(staged, target);
    await fsyncPath(dir);
    return { path: target, schemaVersion, ...(previous ? { previous } : {}) };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`restore to ${target} failed: ${(err as Error).message}`, 'failed', { cause: err });
  } finally {
    await rm(staged, { force: true });
    await rm(`${staged}-wal`, { force: true });
    await rm(`${staged}-shm`, { force: true });
  }
}
