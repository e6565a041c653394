/**
 * The worker thread that reads an import file: decoding, parsing and checking every row (the
 * pure part of an import) run here, on a heap of their own, so the collector's event loop keeps
 * answering agents and health checks, and the file's text and records are never collected there.
 * The rows go back in batches, each one message the other side takes between its other work,
 * and the next one only when the other side asks for it: messages waiting on a port are all
 * taken in one turn of the receiving thread's loop, so batches sent at once would be decoded
 * there back to back, a hundred thousand rows in one long task.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPace } from '../domain/csv/pace.ts';
import { readLicenseFile } from '../domain/licenses/license-csv.ts';
import { readAssetFile } from '../domain/register/asset-csv.ts';
import { ImportRefusedError, ImportTooLargeError, type ReadRun } from '../domain/register/csv-import.ts';
import { csvCharsets } from './csv-charsets.ts';
import type { ReaderMessage, ReaderRequest, ReaderWorkerData } from './import-reader-protocol.ts';

/** Rows per message: each is decoded on the importing thread in a millisecond or two. */
const ROWS_PER_MESSAGE = 1000;
/** How often reading tells its progress, in ms (the pace's pauses cost nothing here). */
const PROGRESS_EVERY_MS = 100;

const port = parentPort;
if (!port) throw new Error('import-reader-worker.ts runs as a worker thread only');
const post = (message: ReaderMessage) => port.postMessage(message);
/** Waits until the importing thread asks for the next batch of rows. */
const asked = () => new Promise<void>((resolve) => port.once('message', (_: ReaderRequest) => resolve()));

async function read(data: ReaderWorkerData) {
  const run: ReadRun = {
    pace: createPace(PROGRESS_EVERY_MS),
    progress: (progress) => post({ type: 'progress', progress }),
    ...(data.maxRows !== undefined ? { maxRows: data.maxRows } : {}),
  };
  return data.request.resource === 'assets'
    ? readAssetFile(data.input, { statusMap: data.request.statusMap }, run, csvCharsets)
    : readLicenseFile(data.input, run, csvCharsets);
}

try {
  const { rows, ...head } = await read(workerData as ReaderWorkerData);
  for (let at = 0; at < rows.length; at += ROWS_PER_MESSAGE) {
    post({ type: 'rows', rows: rows.slice(at, at + ROWS_PER_MESSAGE) });
    await asked();
  }
  post({ type: 'done', reading: head });
} catch (err) {
  if (err instanceof ImportRefusedError) post({ type: 'refused', errors: err.errors });
  else if (err instanceof ImportTooLargeError) post({ type: 'too-large', maxRows: err.maxRows });
  else post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
