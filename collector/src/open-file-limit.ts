import { readFileSync } from 'node:fs';

export interface OpenFileLimit {
  soft: number;
  hard: number;
}

/**
 * The open-file limits in the text of Linux's /proc/<pid>/limits (the "Max open files" row);
 * undefined when the row is missing or unreadable. `unlimited` reads as Infinity.
 */
export function parseOpenFileLimit(text: string): OpenFileLimit | undefined {
  const row = /^Max open files\s+(\S+)\s+(\S+)\s+files\s*$/m.exec(text);
  if (!row) return undefined;
  const value = (raw: string | undefined) =>
    raw === 'unlimited' ? Number.POSITIVE_INFINITY : raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
  const soft = value(row[1]);
  const hard = value(row[2]);
  return soft === undefined || hard === undefined ? undefined : { soft, hard };
}

/**
 * This process's open-file limits (Node raises the soft one to the hard one at start), on
 * Linux; undefined elsewhere. Every online agent's live channel is an open file, so the limit
 * caps how many agents can be online at once.
 */
export function readOpenFileLimit(path = '/proc/self/limits'): OpenFileLimit | undefined {
  try {
    return parseOpenFileLimit(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Below this many open files, the collector warns at start: a fleet of that size cannot all be online. */
export const LOW_OPEN_FILE_LIMIT = 10_000;
