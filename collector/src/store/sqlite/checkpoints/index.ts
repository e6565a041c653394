/**
 * Checkpoints of the write-ahead log in a thread of their own, for the server (`serve`): the
 * main connection stops checkpointing (wal_autocheckpoint = 0) and the thread copies the log
 * back when it has grown past the same number of pages the automatic checkpoint waited for.
 * Short-lived users of the database (admin commands, backups, `store copy`) keep the automatic
 * checkpoint. If the thread cannot start, or stops, the main connection checkpoints as before.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { workerScript } from '../../../threads/worker-script.ts';
import { type CheckpointMessage, type CheckpointRequest, type CheckpointWorkerData, walBytes } from './protocol.ts';

/**
 * Log pages past which the log is checkpointed (~40 MiB at 4 KiB pages): large on purpose, as a
 * hot index page is then written back once per many snapshots instead of once per few
 * (measured: ingest CPU down by a third against SQLite's default of 1,000).
 */
export const CHECKPOINT_PAGES = 10_000;

/** How often the thread looks at the log's size: a stat() call, nothing when under the threshold. */
const CHECK_EVERY_MS = 1000;

/** How long starting and stopping the thread may take before the collector goes on without it. */
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** Where the collector says what became of its checkpoints (a pino logger will do). */
export interface CheckpointLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface BackgroundCheckpointOptions {
  /** Where failures are said (default: nowhere). */
  log?: CheckpointLog;
  /** Log pages past which the thread checkpoints (default CHECKPOINT_PAGES). */
  pages?: number;
  /** How often it looks, in ms (default 1000). */
  intervalMs?: number;
  /** Another worker script (tests: one that fails). */
  script?: URL;
}

/** The checkpointer: its thread starting, running or gone; stop() ends the thread and closes its connection. */
export interface BackgroundCheckpoints {
  /** Settles once the thread has its connection open (true) or could not start (false). */
  readonly started: Promise<boolean>;
  /** True while the thread checkpoints; false when the main connection does (not started yet, could not start, or stopped). */
  readonly inBackground: boolean;
  /**
   * Resolves at once while the log is under the threshold, or while the main connection
   * checkpoints; otherwise asks the thread for a checkpoint now and resolves when it is done, or
   * after `maxWaitMs`. The log is restarted only by a commit that finds all of it copied, which
   * commits back to back (an import's chunks) never do: the log then grew to 1.6 GB over a
   * 100,000-row import, and the commit that finally restarted it held the loop for half a second
   * truncating it. A writer that waits for this between its commits keeps the log to about the
   * threshold.
   */
  caughtUp(maxWaitMs: number): Promise<void>;
  stop(): Promise<void>;
}

const checkpointingThread = () =>
  workerScript(import.meta.url, './worker.ts', new URL('./checkpoint-worker.mjs', import.meta.url));

/** The automatic checkpoint on the main connection, as every short-lived user of the database has it. */
function checkpointAutomatically(sqlite: Database.Database, pages: number): void {
  sqlite.pragma(`wal_autocheckpoint = ${pages}`);
}

/**
 * Starts the checkpointing thread on the database `sqlite` has open at `file`, and hands the
 * checkpoints over to it once its connection is open. Nothing waits for that (starting a thread
 * takes a second or so on a busy machine): until then the main connection checkpoints as before.
 */
export function checkpointInBackground(
  sqlite: Database.Database,
  file: string,
  options: BackgroundCheckpointOptions,
): BackgroundCheckpoints {
  const pages = options.pages ?? CHECKPOINT_PAGES;
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  const located = options.script ? { script: options.script } : checkpointingThread();
  const data: CheckpointWorkerData & { tsxEntry?: string } = {
    file,
    // The log's header, then each frame's header and page.
    thresholdBytes: 32 + pages * (24 + pageSize),
    intervalMs: options.intervalMs ?? CHECK_EVERY_MS,
    ...(located.tsxEntry ? { tsxEntry: located.tsxEntry } : {}),
  };
  const log = options.log ?? { warn() {}, error() {} };
  let inBackground = false;
  let stopping = false;
  let lastFailure = '';

  const worker = new Worker(located.script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  /** The thread is gone: the main connection checkpoints again, so the log cannot grow without bound. */
  const fallBack = (reason: string) => {
    if (!inBackground || stopping) return;
    inBackground = false;
    checkpointAutomatically(sqlite, pages);
    log.error({ reason }, 'the checkpointing thread stopped; the database checkpoints on commit again');
  };
  const ready: Promise<boolean> = new Promise<boolean>((resolve) => {
    let settled = false;
    const settle = (started: boolean, reason?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!started && reason) {
        log.warn(
          { reason },
          'the checkpointing thread did not start; the database checkpoints on commit, on the event loop',
        );
      }
      resolve(started);
    };
    const timer = setTimeout(() => settle(false, `not ready after ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    worker.on('message', (message: CheckpointMessage) => {
      switch (message.type) {
        case 'ready':
          return settle(true);
        case 'failed':
          // Once per kind of failure, until a checkpoint succeeds again.
          if (message.message !== lastFailure)
            log.error({ code: message.code, reason: message.message }, 'checkpoint failed');
          lastFailure = message.message;
          return;
        case 'checkpointed':
          lastFailure = '';
          return;
        default:
          return;
      }
    });
    worker.on('error', (err) => {
      settle(false, err.message);
      fallBack(err.message);
    });
    worker.on('exit', (code) => {
      settle(false, `exited with code ${code}`);
      fallBack(`exited with code ${code}`);
    });
  });
  const started = ready.then(async (up) => {
    if (up && !stopping) {
      // The log is now truncated at the first commit after each complete checkpoint, so that
      // its size, which the thread reads, is what has been written since.
      sqlite.pragma('journal_size_limit = 0');
      sqlite.pragma('wal_autocheckpoint = 0');
      inBackground = true;
      worker.unref();
      return true;
    }
    await worker.terminate();
    return false;
  });

  /** The thread's connection closes first, so that the main one is the last: closing it then checkpoints the whole log and removes it, as before. */
  async function stopThread(): Promise<void> {
    // A thread still starting is let start, then stopped as a running one is.
    await started;
    stopping = true;
    if (!inBackground) return;
    inBackground = false;
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.on('message', (message: CheckpointMessage) => message.type === 'stopped' && done());
      worker.once('exit', done);
    });
    worker.postMessage({ type: 'stop' } satisfies CheckpointRequest);
    for (const done of [...answered]) done();
    await closed;
    await worker.terminate();
    checkpointAutomatically(sqlite, pages);
  }

  // Callers that wait together wait for the same checkpoint.
  let catchingUp: Promise<void> | undefined;
  const answered = new Set<() => void>();
  worker.on('message', (message: CheckpointMessage) => {
    if ((message.type === 'checkpointed' || message.type === 'failed') && message.requested) {
      for (const done of [...answered]) done();
    }
  });
  function caughtUp(maxWaitMs: number): Promise<void> {
    if (!inBackground || walBytes(file) < data.thresholdBytes) return Promise.resolve();
    catchingUp ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        answered.delete(done);
        catchingUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      answered.add(done);
      worker.postMessage({ type: 'catch-up' } satisfies CheckpointRequest);
    });
    return catchingUp;
  }

  let stopped: Promise<void> | undefined;
  return {
    started,
    get inBackground() {
      return inBackground;
    },
    caughtUp,
    stop() {
      stopped ??= stopThread();
      return stopped;
    },
  };
}
