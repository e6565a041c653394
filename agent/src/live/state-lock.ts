import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';

const LOCK_FILE = 'agent.lock';

export class StateLockedError extends Error {
  constructor(
    readonly pid: number,
    stateDir: string,
  ) {
    super(`another stocktake-agent (pid ${pid}) is using ${stateDir}`);
    this.name = 'StateLockedError';
  }
}

/** Whether a process with this id exists (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When the machine booted, to the minute: a lock from before a reboot names a pid that means nothing now. */
function bootedAt(): number {
  return Date.now() - uptime() * 1000;
}

/** The pid holding the state directory, if a live process since this boot does. */
export function lockHolder(stateDir: string): number | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(stateDir, LOCK_FILE), 'utf8')) as { pid?: unknown; bootedAt?: unknown };
    const { pid, bootedAt: then } = lock;
    if (typeof pid !== 'number' || typeof then !== 'number') return undefined;
    if (Math.abs(then - bootedAt()) > 120_000) return undefined;
    return processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One agent process per state directory: two would interleave the outbox. The lock names its
 * pid and the boot it belongs to; a lock whose process is gone (SIGKILL, power loss, reboot)
 * is taken over.
 */
export function acquireStateLock(stateDir: string): () => void {
  const path = join(stateDir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(stateDir);
      if (holder !== undefined && holder !== process.pid) throw new StateLockedError(holder, stateDir);
      unlinkSync(path);
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, bootedAt: Math.round(bootedAt()) }));
    closeSync(fd);
    return () => {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    };
  }
  throw new Error(`cannot take the lock ${path}`);
}
