/**
 * The thread that checkpoints the collector's write-ahead log. SQLite's automatic checkpoint runs
 * inside whichever commit crosses its threshold, on the event loop: copying ~40 MiB of log back
 * into the database and syncing it held the loop for 0.5 to 1.3 s. Here a connection of its own
 * does the same work, as often (when the log has grown past the same number of pages), beside
 * the loop. PASSIVE never waits for the collector's readers or writers: frames still in use are
 * copied by the next one. The main thread may also ask for a checkpoint at once (`catch-up`):
 * an import that commits chunk after chunk waits for it now and then, as the log is restarted only
 * by a commit that finds it wholly copied, which commits back to back never do.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sqliteErrorIn } from '../storage-errors.ts';
import { type CheckpointMessage, type CheckpointRequest, type CheckpointWorkerData, walBytes } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('checkpoints/worker.ts runs as a worker thread only');
const post = (message: CheckpointMessage) => port.postMessage(message);
const data = workerData as CheckpointWorkerData;

const sqlite = new Database(data.file, { fileMustExist: true });
// This connection only checkpoints; it never commits, so it never checkpoints on its own.
sqlite.pragma('wal_autocheckpoint = 0');
const checkpoint = sqlite.prepare('pragma wal_checkpoint(PASSIVE)');

/**
 * The log's size when a checkpoint last copied all of it: the main connection truncates the log
 * at its next commit (journal_size_limit), so until then the size says nothing new.
 */
let copiedAt = -1;

function tick(): void {
  const size = walBytes(data.file);
  if (size < data.thresholdBytes || size === copiedAt) return;
  checkpointNow(size, false);
}

function checkpointNow(size: number, requested: boolean): void {
  try {
    const [result] = checkpoint.all() as { busy: number; log: number; checkpointed: number }[];
    if (!result) throw new Error('the checkpoint gave no result');
    if (result.log === result.checkpointed) copiedAt = size;
    post({
      type: 'checkpointed',
      frames: result.log,
      copied: result.checkpointed,
      busy: result.busy !== 0,
      requested,
    });
  } catch (err) {
    const code = sqliteErrorIn(err)?.code;
    post({ type: 'failed', message: (err as Error).message, ...(code ? { code } : {}), requested });
  }
}

const timer = setInterval(tick, data.intervalMs);
port.on('message', (request: CheckpointRequest) => {
  if (request.type === 'catch-up') return checkpointNow(walBytes(data.file), true);
  if (request.type !== 'stop') return;
  clearInterval(timer);
  sqlite.close();
  post({ type: 'stopped' });
  port.close();
});
post({ type: 'ready' });
