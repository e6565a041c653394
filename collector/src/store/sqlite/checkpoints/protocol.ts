import { statSync } from 'node:fs';

/** What the checkpointing thread is started with. */
export interface CheckpointWorkerData {
  /** The database file (absolute); its write-ahead log is `${file}-wal`. */
  file: string;
  /** The log's size in bytes past which the thread checkpoints it. */
  thresholdBytes: number;
  /** How often the thread looks at the log's size, in ms. */
  intervalMs: number;
}

/**
 * What the main thread sends: `stop` (stop checking, close the connection, and answer
 * `stopped`), or `catch-up` (checkpoint now, whatever the log's size, and answer `checkpointed`).
 */
export interface CheckpointRequest {
  type: 'stop' | 'catch-up';
}

/**
 * What the thread sends: ready (its connection is open), a checkpoint done or failed (`requested`
 * when it answers a `catch-up`), stopped (connection closed).
 */
export type CheckpointMessage =
  | { type: 'ready' }
  | { type: 'checkpointed'; frames: number; copied: number; busy: boolean; requested: boolean }
  | { type: 'failed'; message: string; code?: string; requested: boolean }
  | { type: 'stopped' };

/** The size in bytes of the write-ahead log of the database at `file`, or 0 when there is none (between the last connection's close and the next write). */
export function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
