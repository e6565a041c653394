/** What the thread that imports and the worker thread that reads the file say to each other. */
import type { AssetStatus } from '@stocktake/shared/api';
import type { CsvInput } from '../domain/csv/decode.ts';
import type { FileReading, ImportLineError, ImportProgress } from '../domain/register/csv-import.ts';

/** Which file to read, and what reading it needs besides the file. */
export type ReadRequest =
  | { resource: 'assets'; statusMap: ReadonlyMap<string, AssetStatus> }
  | { resource: 'licenses' };

/** The worker's data: the request and the file (copied into the worker once). */
export interface ReaderWorkerData {
  request: ReadRequest;
  input: CsvInput;
  maxRows?: number;
}

/** A reading without its rows, which come before it in batches. */
export type ReadingHead = Omit<FileReading<unknown, string>, 'rows'>;

export type ReaderMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'rows'; rows: unknown[] }
  | { type: 'done'; reading: ReadingHead }
  | { type: 'refused'; errors: ImportLineError[] }
  | { type: 'too-large'; maxRows: number }
  | { type: 'failed'; message: string };

/** The importing thread's answer to a batch of rows: it has taken them, and wants the next. */
export type ReaderRequest = { type: 'more' };
