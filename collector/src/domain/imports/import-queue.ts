import { randomUUID } from 'node:crypto';
import type { ImportJobState, ImportPhase, ImportResource } from '@stocktake/shared/api';
import type { CsvInput } from '../csv/decode.ts';
import type { Pace } from '../csv/pace.ts';
import type { LicenseImportOutcome } from '../licenses/license-csv.ts';
import type { ImportOutcome as AssetImportOutcome } from '../register/asset-csv.ts';
import type { ImportRun } from '../register/csv-import.ts';
import type { AssetImportRequest } from '../register/register-service.ts';

export type ImportResult = AssetImportOutcome | LicenseImportOutcome;

/** What an import is asked to do: the asset import's options (a license import reads the ones it shares). */
export type ImportRequest = AssetImportRequest;

/** Runs one import of a resource: the register's or the license book's `importCsv`. */
export type RunImport = (resource: ImportResource, input: CsvInput, options: ImportRequest) => Promise<ImportResult>;

/** An import running in the background, as it stands. */
export interface ImportJob {
  id: string;
  resource: ImportResource;
  dryRun: boolean;
  state: ImportJobState;
  progress: { phase: ImportPhase; done: number; total?: number };
  bytes: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  result?: ImportResult;
  /** Why it failed: a domain error (refused file, too many rows, conflict) or a failure. */
  error?: unknown;
}

/** More imports are waiting than the collector queues; the caller should come back later. */
export class ImportQueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} imports are already waiting; try again when one has finished`);
    this.name = 'ImportQueueFullError';
  }
}

export interface ImportQueueOptions {
  run: RunImport;
  /** Imports waiting for their turn at most, jobs and small imports alike (default 4). */
  maxWaiting?: number;
  /** How long a finished job stays readable, in ms (default one hour). */
  keepMs?: number;
  /** Told of every job that failed, its file refused or otherwise (the log). */
  onFailure?: (job: ImportJob, err: unknown) => void;
  /** The pace of each job, made when it starts (default: the importers' own, 10 ms slices). */
  pace?: () => Pace;
  now?: () => Date;
}

/** Jobs kept at most, finished ones first to go: a job holds its whole outcome. */
const MAX_KEPT = 100;

/**
 * CSV imports, one at a time. Each import paces itself (register/csv-import.ts), so the event
 * loop stays free, and running them one after another keeps a file's plan true until it is
 * written: two imports planned side by side would each miss what the other writes. A small
 * import waits its turn and answers at once; a large one becomes a job whose progress and
 * result are read by id. Jobs live in memory: a restart forgets them (their rows written so
 * far stay written).
 */
export function createImportQueue(opts: ImportQueueOptions) {
  const now = opts.now ?? (() => new Date());
  const maxWaiting = opts.maxWaiting ?? 4;
  const keepMs = opts.keepMs ?? 60 * 60 * 1000;
  const jobs = new Map<string, ImportJob>();
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  function forgetOld(): void {
    const cutoff = now().getTime() - keepMs;
    for (const [id, job] of jobs) {
      if (job.finishedAt && job.finishedAt.getTime() < cutoff) jobs.delete(id);
    }
    for (const [id, job] of jobs) {
      if (jobs.size <= MAX_KEPT) break;
      if (job.finishedAt) jobs.delete(id);
    }
  }

  /** Runs `work` after every import queued before it. */
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (waiting >= maxWaiting) throw new ImportQueueFullError(waiting);
    waiting++;
    const turn = tail.then(() => {
      waiting--;
      return work();
    });
    tail = turn.catch(() => undefined);
    return turn;
  }

  return {
    /** Runs an import in its turn and answers with what it did (or throws why not). */
    runNow(resource: ImportResource, input: CsvInput, options: ImportRequest): Promise<ImportResult> {
      return inTurn(() => opts.run(resource, input, options));
    },

    /**
     * Queues an import as a job and answers with it at once. Its rows are written in chunks
     * (see ImportRun.chunkedWrites); `run` carries the caller's limits.
     */
    submit(
      resource: ImportResource,
      input: CsvInput,
      options: Omit<ImportRequest, 'run'> & { run?: Omit<ImportRun, 'progress' | 'chunkedWrites'> },
    ): ImportJob {
      forgetOld();
      const job: ImportJob = {
        id: randomUUID(),
        resource,
        dryRun: options.dryRun,
        state: 'queued',
        progress: { phase: 'queued', done: 0 },
        bytes: typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength,
        createdAt: now(),
      };
      const run: ImportRun = {
        ...options.run,
        ...(opts.pace ? { pace: opts.pace() } : {}),
        chunkedWrites: true,
        progress: (p) => {
          job.progress = { ...p };
        },
      };
      inTurn(async () => {
        job.state = 'running';
        job.startedAt = now();
        job.progress = { phase: 'parsing', done: 0 };
        return opts.run(resource, input, { ...options, run });
      }).then(
        (result) => {
          job.state = 'succeeded';
          job.result = result;
          job.progress = { phase: 'done', done: result.rows, total: result.rows };
          job.finishedAt = now();
        },
        (err: unknown) => {
          job.state = 'failed';
          job.error = err;
          job.progress = { ...job.progress, phase: 'done' };
          job.finishedAt = now();
          opts.onFailure?.(job, err);
        },
      );
      jobs.set(job.id, job);
      return job;
    },

    /** A job by id, while it is kept. */
    get(id: string): ImportJob | undefined {
      forgetOld();
      return jobs.get(id);
    },
  };
}

export type ImportQueue = ReturnType<typeof createImportQueue>;
