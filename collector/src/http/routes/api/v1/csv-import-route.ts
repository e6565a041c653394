import { ProblemTypes } from '@stocktake/shared';
import { type ImportJob as ImportJobBody, type ImportResource, importJobPath } from '@stocktake/shared/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ImportJob, ImportQueueFullError } from '../../../../domain/imports/import-queue.ts';
import { fromDomainError } from '../../../plugins/problems/index.ts';
import { HttpProblem } from '../../../plugins/problems/problem.ts';
import { requestActor } from '../../../principal.ts';

/** What the import routes' OpenAPI entries say about their two answers. */
export const IMPORT_DESCRIPTION = [
  'A file up to 1 MiB (the job threshold) is imported while the request waits: 200 with the outcome.',
  'A larger file, or any file sent with `Prefer: respond-async`, is answered 202 with an import job and its Location (`GET /api/v1/imports/{id}`: progress, then the outcome as `result` or the refusal as `problem`).',
  'Every row is checked before anything is written; a job then writes in chunks, so one stopped halfway (a restart, a concurrent change) is completed by importing the file again.',
  'Imports run one at a time; past 4 waiting, 429 with Retry-After. A file with more rows than the row limit (200,000 by default) is refused with 413.',
].join(' ');

/** Seconds a client is told to wait when the import queue is full. */
const QUEUE_FULL_RETRY_SECONDS = 30;

/** A job as the API shows it; a failure carries the problem a small import would have answered. */
export function importJobBody(job: ImportJob): ImportJobBody {
  const problem =
    job.state === 'failed'
      ? (fromDomainError(job.error) ??
        new HttpProblem(500, ProblemTypes.internal, 'Internal Server Error', 'The collector failed; see its log.'))
      : undefined;
  return {
    id: job.id,
    resource: job.resource,
    dryRun: job.dryRun,
    state: job.state,
    progress: job.progress,
    bytes: job.bytes,
    createdAt: job.createdAt.toISOString(),
    ...(job.startedAt ? { startedAt: job.startedAt.toISOString() } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
    ...(job.result ? { result: job.result } : {}),
    ...(problem ? { problem: problem.toProblem(importJobPath(job.id)) } : {}),
  };
}

/** The outcome of each finished job as JSON text, made on its first read. */
const outcomeJson = new WeakMap<ImportJob, string>();

/**
 * A job as the API shows it, as JSON text. A finished job's outcome names every row: 3.5 MB for
 * 100,000 assets, which the response serializer took about 115 ms to write on each poll (the
 * first over 400 ms, compiling the outcome's union) while agents and health checks waited. It
 * is written once, with JSON.stringify (about 20 ms for that job), and each read after that
 * sends it as it is. The outcome holds only the fields the contract declares (domain types of
 * the same shape), so the text is what the serializer would have written.
 */
export function importJobJson(job: ImportJob): string {
  const { result, ...rest } = importJobBody(job);
  const envelope = JSON.stringify(rest);
  if (result === undefined) return envelope;
  let text = outcomeJson.get(job);
  if (text === undefined) {
    text = JSON.stringify(result);
    outcomeJson.set(job, text);
  }
  return `${envelope.slice(0, -1)},"result":${text}}`;
}

/** RFC 7240: a client may ask for the asynchronous answer whatever the file's size. */
const prefersAsync = (request: FastifyRequest) => /\brespond-async\b/i.test(String(request.headers.prefer ?? ''));

/**
 * The handler of `POST /api/v1/<resource>/import`. A file up to the job threshold is imported
 * while the client waits and answered 200 with the outcome, as it always was; a larger one (or
 * any, with `Prefer: respond-async`) is answered 202 with the job and its Location. Both go
 * through the one import queue, so imports never interleave.
 */
export function csvImportHandler(app: FastifyInstance, resource: ImportResource) {
  const { csvRowLimit, importJobThreshold } = app.settings;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Validated by the route's schemas (CsvUploadSchema, DryRunQuerySchema or AssetImportQuerySchema).
    const bytes = request.body as Buffer;
    const query = request.query as { dryRun: boolean; statusMap?: string; saveStatusMap?: boolean };
    const options = {
      dryRun: query.dryRun,
      ...(query.statusMap !== undefined ? { statusMap: query.statusMap } : {}),
      ...(query.saveStatusMap ? { saveStatusMap: true } : {}),
      actor: requestActor(request),
      context: 'csv import (api)',
      run: { maxRows: csvRowLimit },
    };
    try {
      if (bytes.byteLength > importJobThreshold || prefersAsync(request)) {
        const job = app.imports.submit(resource, bytes, options);
        request.log.info({ job: job.id, resource, bytes: job.bytes }, 'import job queued');
        if (prefersAsync(request)) reply.header('preference-applied', 'respond-async');
        return reply.code(202).header('location', importJobPath(job.id)).send(importJobBody(job));
      }
      return reply.code(200).send(await app.imports.runNow(resource, bytes, options));
    } catch (err) {
      if (!(err instanceof ImportQueueFullError)) throw err;
      reply.header('retry-after', String(QUEUE_FULL_RETRY_SECONDS));
      throw HttpProblem.tooManyRequests(err.message);
    }
  };
}
