import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const AGENT_BIN = join(ROOT, 'agent', 'bin', 'stocktake-agent.mjs');
export const COLLECTOR_BIN = join(ROOT, 'collector', 'bin', 'stocktake-collector.mjs');

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface RunningCollector {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
  logs(): string;
}

/** Starts the real collector executable on 127.0.0.1 with a free port and waits until it listens. */
export function startCollector(options: {
  dbPath: string;
  enrollSecret: string;
  extraArgs?: string[];
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Another collector executable (a benchmark comparing with an older checkout); default this one. */
  bin?: string;
  /** Options for node itself, before the executable (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /** How long it may take to listen; default 30 s (longer where several processes start at once, or on a busy machine). */
  startTimeoutMs?: number;
}): Promise<RunningCollector> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      options.bin ?? COLLECTOR_BIN,
      'serve',
      '--db',
      options.dbPath,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--enroll-secret',
      options.enrollSecret,
      ...(options.extraArgs ?? []),
    ],
    { env: { ...process.env, ...options.env, NO_PRETTY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start in time:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise({ url: match[1], process: child, stop, logs: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code}:\n${output}`));
    });
  });
}

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `stocktake-collector` command line to completion (an admin command, not serve). */
export function runCollector(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AgentRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [COLLECTOR_BIN, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the real agent executable to completion. */
export function runAgent(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AgentRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [AGENT_BIN, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
