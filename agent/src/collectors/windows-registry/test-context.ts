import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { CommandError, type RunOptions, type RunResult } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';

/** What the fake `run` answers for one command line: output and exit code, or a spawn error. */
export type FakeAnswer = { stdout?: string; stderr?: string; exitCode?: number } | Error;

export interface FakeCall {
  line: string;
  options: RunOptions | undefined;
}

/** The command line a fake answer is keyed by: command and arguments joined by spaces. */
export const commandLine = (cmd: string, args: readonly string[]) => [cmd, ...args].join(' ');

/**
 * A Windows collect context for tests on any OS: `run` answers from a table keyed by command
 * line, honours `okExitCodes` like the real runner (a non-zero exit it was not told to accept
 * rejects with a CommandError), and rejects commands the test did not expect.
 */
export function fakeWindowsContext(answers: Record<string, FakeAnswer>): { ctx: CollectContext; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const ctx: CollectContext = {
    // The real context's file access, rooted nowhere: Windows collectors read no files.
    ...createContext({ log: pino({ level: 'silent' }), root: '/nonexistent-windows-root', platform: 'win32' }),
    timeoutMs: 45_000,
    async run(cmd, args, options): Promise<RunResult> {
      const line = commandLine(cmd, args);
      calls.push({ line, options });
      const answer = answers[line];
      if (answer === undefined) throw new Error(`unexpected command: ${line}`);
      if (answer instanceof Error) throw answer;
      const result = { stdout: answer.stdout ?? '', stderr: answer.stderr ?? '', exitCode: answer.exitCode ?? 0 };
      if (!(options?.okExitCodes ?? [0]).includes(result.exitCode)) {
        // The real runner's message: command line, exit code, first line of stderr.
        const first = result.stderr.trim().split(/\r?\n/)[0] ?? '';
        throw new CommandError(`${line} exited ${result.exitCode}${first ? `: ${first}` : ''}`, cmd, 'exit');
      }
      return result;
    },
  };
  return { ctx, calls };
}

/** A fixture read as the bytes the command printed, decoded as UTF-8 like the runner does. */
export function fixtureText(dir: string, name: string): string {
  return readFileSync(path.join(dir, name), 'utf8');
}
