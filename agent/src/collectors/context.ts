import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { runCommand } from '../runner/run-command.ts';
import type { CollectContext } from './types.ts';

export function createContext(options: {
  log: Logger;
  root?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}): CollectContext {
  return {
    root: options.root ?? '/',
    run: runCommand,
    readFile: (path) => readFile(path, 'utf8'),
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
  };
}
