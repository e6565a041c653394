import { readdirSync, readFileSync, readlinkSync, type Stats, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { runCommand } from '../runner/run-command.ts';
import type { CollectContext } from './types.ts';

/**
 * File access is synchronous on purpose: collectors read small local files (sysfs
 * attributes, package databases), which the main thread reads in microseconds, while
 * Node's asynchronous fs would wake libuv's thread pool, and each of its threads gets its
 * own malloc arena: several megabytes of resident memory for no gain in an agent that
 * must stay small.
 */
/** stat that answers undefined for anything unreadable (absent, EACCES, a broken link). */
function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function createContext(options: {
  log: Logger;
  root?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
  cacheDir?: string;
}): CollectContext {
  return {
    root: options.root ?? '/',
    run: runCommand,
    readFile: async (path) => readFileSync(path, 'utf8'),
    readBytes: async (path) => readFileSync(path),
    readLink: async (path) => {
      try {
        return readlinkSync(path);
      } catch {
        return undefined;
      }
    },
    listDir: async (path) => {
      try {
        return readdirSync(path).sort();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return [];
        throw err;
      }
    },
    mtime: async (path) => statQuietly(path)?.mtime,
    exists: async (path) => statQuietly(path) !== undefined,
    platform: options.platform ?? process.platform,
    log: options.log,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  };
}
