import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { runCommand } from '../runner/run-command.ts';
import type { CollectContext } from './types.ts';

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
    readFile: (path) => readFile(path, 'utf8'),
    readBytes: (path) => readFile(path),
    readLink: async (path) => {
      try {
        return await readlink(path);
      } catch {
        return undefined;
      }
    },
    listDir: async (path) => {
      try {
        return (await readdir(path)).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
          return [];
        throw err;
      }
    },
    mtime: async (path) => {
      try {
        return (await stat(path)).mtime;
      } catch {
        return undefined;
      }
    },
    exists: async (path) => {
      try {
        await stat(path);
        return true;
      } catch {
        return false;
      }
    },
    platform: options.platform ?? process.platform,
    log: options.log,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  };
}
