import { UsageError } from './errors.ts';

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** --timeout SECONDS as milliseconds. */
export function timeoutMs(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || seconds <= 0 || seconds > 86_400) {
    throw new UsageError(`--timeout must be a number of seconds above 0 (got "${raw}")`);
  }
  return seconds * 1000;
}
