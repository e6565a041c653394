import { constants } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { BackupError, type BackupReport } from '../domain/maintenance/ports.ts';

// The files of backups and restores, whatever the engine that writes them.

/** Flushes a file's bytes (or a directory's entries) to disk, so what was written survives a crash. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file's size, 0 when there is none (a write-ahead log checkpointed away). */
export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

export const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The backup file must be new: an operator's earlier backup is never overwritten. */
export async function refuseExisting(file: string): Promise<void> {
  if (await exists(file)) {
    throw new BackupError(`${file} already exists: choose a new file name (a backup never overwrites one)`, 'exists');
  }
  await access(dirname(file), constants.W_OK).catch(() => {
    throw new BackupError(`cannot write a backup into ${dirname(file)}: it does not exist or is not writable`);
  });
}

/**
 * Writes a backup the way every engine does: refused when the file exists, written beside it
 * under another name by `copy` (which answers the schema version the copy carries), flushed,
 * then renamed, so a backup that was interrupted never looks like a finished one. Any failure
 * is a BackupError, and the partial file is removed.
 */
export async function writeBackupFile(file: string, copy: (partial: string) => Promise<number>): Promise<BackupReport> {
  const target = resolve(file);
  await refuseExisting(target);
  const started = performance.now();
  const partial = resolve(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  try {
    const schemaVersion = await copy(partial);
    await fsyncPath(partial);
    await rename(partial, target);
    await fsyncPath(dirname(target));
    const bytes = await sizeOf(target);
    return { path: target, bytes, schemaVersion, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    await rm(partial, { force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`backup to ${target} failed: ${(err as Error).message}`, 'failed', { cause: err });
  }
}
