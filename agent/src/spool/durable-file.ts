import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Files that must survive a crash or power loss at any instant. Synchronous on purpose: these
 * are small, rare writes, and the agent keeps libuv's thread pool (and its memory) asleep.
 */

/** Makes a directory's entries (a rename, an unlink) durable. Windows cannot open directories; NTFS journals them. */
export function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `path` so that after a crash it holds either its old content or all of the new one:
 * write a temporary file, fsync it, rename it over the target, fsync the directory.
 */
export function writeFileDurably(path: string, data: Uint8Array | string, mode = 0o600): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
  syncDirectory(dir);
}

/** Deletes `path` durably; a file already gone is fine. */
export function removeFileDurably(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  syncDirectory(dirname(path));
}

/** Leftovers of writes a crash interrupted: `.name.<pid>.tmp`. */
export function isTemporaryFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
