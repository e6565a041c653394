import pino from 'pino';
import { CommandError, type RunOptions, type RunResult } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';

/** Test helper for the macOS collectors, which cannot run their tools on Linux. */

export interface RecordedCall {
  cmd: string;
  args: readonly string[];
  timeoutMs: number | undefined;
  okExitCodes: number[] | undefined;
}

/** What a fake command does: print text (exit 0), return a full result, or fail with an error. */
export type FakeOutput = string | RunResult | Error;

export const FAKE_TIMEOUT_MS = 4_321;

/**
 * A darwin context whose `run` answers from `outputs`, keyed by `cmd args...`, and records
 * every call. A command without an entry fails as "not found", so an unexpected call shows up.
 * Everything else comes from the real context, so the object stays a complete CollectContext.
 */
export function fakeContext(
  outputs: Record<string, FakeOutput>,
  overrides: Partial<CollectContext> = {},
): { ctx: CollectContext; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const base = createContext({
    log: pino({ level: 'silent' }),
    root: '/nonexistent-fixture-root',
    platform: 'darwin',
    timeoutMs: FAKE_TIMEOUT_MS,
  });
  const ctx: CollectContext = {
    ...base,
    run: async (cmd: string, args: readonly string[], options?: RunOptions) => {
      calls.push({ cmd, args, timeoutMs: options?.timeoutMs, okExitCodes: options?.okExitCodes });
      const out = outputs[[cmd, ...args].join(' ')];
      if (out === undefined) throw new CommandError(`${cmd} not found`, cmd, 'not-found');
      if (out instanceof Error) throw out;
      return typeof out === 'string' ? { stdout: out, stderr: '', exitCode: 0 } : out;
    },
    exists: async () => true,
    ...overrides,
  };
  return { ctx, calls };
}

/** The error runCommand raises when a command outlives its timeout. */
export function timeoutError(cmd: string, args: readonly string[], ms = FAKE_TIMEOUT_MS): CommandError {
  return new CommandError(`${[cmd, ...args].join(' ')} timed out after ${ms} ms`, cmd, 'timeout');
}
