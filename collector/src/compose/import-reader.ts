/**
 * Reads import files in a worker thread. Decoding, parsing and checking every row of a large
 * file held the collector's event loop (in slices, but with the file's text, its records and
 * their garbage all on the collector's heap); in a thread of its own the loop only receives the
 * rows, in batches. A failing worker rejects the import with ImportReadFailedError and leaves the
 * collector running.
 */
import { Worker } from 'node:worker_threads';
import type { CsvInput } from '../domain/csv/decode.ts';
import type { LicenseFileReader, LicenseFileReading } from '../domain/licenses/license-csv.ts';
import type { AssetFileReader, AssetFileReading } from '../domain/register/asset-csv.ts';
import {
  type FileReading,
  ImportReadFailedError,
  ImportRefusedError,
  ImportTooLargeError,
  type ReadRun,
} from '../domain/register/csv-import.ts';
import { workerScript } from '../threads/worker-script.ts';
import type { ReaderMessage, ReaderRequest, ReaderWorkerData, ReadRequest } from './import-reader-protocol.ts';

/**
 * Files smaller than this are read in the importing thread, in slices: they are the ones the API
 * imports while the request waits (up to the 1 MiB job threshold), a few tens of milliseconds of
 * reading, less than starting a thread. Larger files, imported as jobs, are read in a worker.
 */
export const WORKER_THRESHOLD_BYTES = 1024 * 1024;

/**
 * The heap a reading worker may use, in MiB: a file at the row limit fits well inside, and a
 * worker that needs more stops with an error instead of taking the collector's memory.
 */
const WORKER_HEAP_MB = 1024;

export interface ThreadedReaderOptions {
  /** Files at least this large are read in a worker (default WORKER_THRESHOLD_BYTES; 0: every file). */
  thresholdBytes?: number;
  /** The worker's heap limit in MiB (default 1024). */
  heapMb?: number;
  /** Another worker script (tests: one that fails). */
  script?: URL;
}

const readingThread = () =>
  workerScript(import.meta.url, './import-reader-worker.ts', new URL('./import-reader-worker.mjs', import.meta.url));

const byteLength = (input: CsvInput) => (typeof input === 'string' ? input.length : input.byteLength);

/**
 * Runs one reading in a new worker thread. Its rows come in batches; its progress goes to the
 * run's `progress`; a refusal of the file comes back as the domain's own error.
 */
export function readInWorker(
  request: ReadRequest,
  input: CsvInput,
  run: ReadRun,
  options: ThreadedReaderOptions = {},
): Promise<FileReading<unknown, string>> {
  const located = options.script ? { script: options.script } : readingThread();
  const data: ReaderWorkerData & { tsxEntry?: string } = {
    request,
    input,
    ...(run.maxRows !== undefined ? { maxRows: run.maxRows } : {}),
    ...(located.tsxEntry ? { tsxEntry: located.tsxEntry } : {}),
  };
  return new Promise((resolve, reject) => {
    const rows: unknown[] = [];
    let settled = false;
    const worker = new Worker(located.script, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? WORKER_HEAP_MB },
    });
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    const fail = (reason: string, cause?: unknown) =>
      settle(() => reject(new ImportReadFailedError(reason, cause === undefined ? undefined : { cause })));
    worker.on('message', (message: ReaderMessage) => {
      switch (message.type) {
        case 'progress':
          run.progress?.(message.progress);
          return;
        case 'rows':
          for (const row of message.rows) rows.push(row);
          // The next batch after whatever else waits (agents, probes): one batch a turn of the loop.
          setImmediate(() => {
            if (!settled) worker.postMessage({ type: 'more' } satisfies ReaderRequest);
          });
          return;
        case 'done':
          return settle(() => resolve({ ...message.reading, rows }));
        case 'refused':
          return settle(() => reject(new ImportRefusedError(message.errors)));
        case 'too-large':
          return settle(() => reject(new ImportTooLargeError(message.maxRows)));
        case 'failed':
          return fail(`reading it failed: ${message.message}`);
        default:
          return fail(`its reader sent a message it does not speak: ${JSON.stringify(message).slice(0, 200)}`);
      }
    });
    worker.on('error', (err) => fail(`the thread reading it failed: ${err.message}`, err));
    worker.on('messageerror', (err) =>
      fail(`a message from the thread reading it was unreadable: ${err.message}`, err),
    );
    worker.on('exit', (code) => fail(`the thread reading it stopped (exit code ${code}) before it was done`));
  });
}

/** The asset and license readers the services use: large files in a worker, small ones here. */
export function threadedReaders(
  inThread: { assets: AssetFileReader; licenses: LicenseFileReader },
  options: ThreadedReaderOptions = {},
): { assets: AssetFileReader; licenses: LicenseFileReader } {
  const threshold = options.thresholdBytes ?? WORKER_THRESHOLD_BYTES;
  return {
    assets: async (input, readOptions, run) =>
      byteLength(input) < threshold
        ? inThread.assets(input, readOptions, run)
        : ((await readInWorker(
            { resource: 'assets', statusMap: readOptions.statusMap },
            input,
            run,
            options,
          )) as AssetFileReading),
    licenses: async (input, run) =>
      byteLength(input) < threshold
        ? inThread.licenses(input, run)
        : ((await readInWorker({ resource: 'licenses' }, input, run, options)) as LicenseFileReading),
  };
}
