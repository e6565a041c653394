import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Kill the child and fail after this long. */
  timeoutMs?: number;
  /** Fail when stdout grows past this many bytes (a runaway tool must not eat the host's memory). */
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that still count as success (apt-get, rpm -V and friends use non-zero for "found something"). */
  okExitCodes?: number[];
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly reason: 'not-found' | 'timeout' | 'exit' | 'output-limit' | 'spawn',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CommandError';
  }
}

export type RunCommand = (cmd: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Runs a command without a shell, with a timeout that kills the whole child, and a cap on
 * its output. The C locale keeps tool output in the format the parsers expect.
 */
export const runCommand: RunCommand = (cmd, args, options = {}) => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const okCodes = options.okExitCodes ?? [0];
  const label = [cmd, ...args].join(' ');
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: options.env ?? { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new CommandError(`${label} timed out after ${timeoutMs} ms`, cmd, 'timeout')));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) {
        child.kill('SIGKILL');
        finish(() => reject(new CommandError(`${label} printed more than ${maxOutput} bytes`, cmd, 'output-limit')));
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64) err.push(chunk);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const reason = e.code === 'ENOENT' ? 'not-found' : 'spawn';
      finish(() =>
        reject(
          new CommandError(reason === 'not-found' ? `${cmd} not found` : `${label} failed to start`, cmd, reason, {
            cause: e,
          }),
        ),
      );
    });
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const exitCode = code ?? -1;
      if (!okCodes.includes(exitCode)) {
        const why = signal ? `killed by ${signal}` : `exited ${exitCode}`;
        const firstLine = stderr.trim().split('\n')[0] ?? '';
        finish(() => reject(new CommandError(`${label} ${why}${firstLine ? `: ${firstLine}` : ''}`, cmd, 'exit')));
        return;
      }
      finish(() => resolve({ stdout, stderr, exitCode }));
    });
  });
};
