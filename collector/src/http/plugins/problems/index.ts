import {
  ENROLMENT_BLOCKED_PROBLEM_TYPE,
  ProblemTypes,
  RESYNC_PROBLEM_TYPE,
  SNAPSHOT_ID_TAKEN_PROBLEM_TYPE,
} from '@stocktake/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  ConflictError,
  NotFoundError,
  type StorageTrouble,
  StorageUnavailableError,
  ValidationError,
} from '../../../domain/errors.ts';
import { EnrolmentBlocked, ResyncNeeded, SnapshotIdTaken } from '../../../domain/inventory/errors.ts';
import { ImportReadFailedError, ImportRefusedError, ImportTooLargeError } from '../../../domain/register/csv-import.ts';
import { redactPathSecret } from '../path-secrets.ts';
import { HttpProblem } from './problem.ts';
import { schemaProblem } from './schema-problem.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * How long a client should wait before retrying when storage is in trouble: a lock is usually
 * gone in seconds; a full or read-only disk needs a person, so agents need not knock often.
 */
const RETRY_AFTER_SECONDS: Record<StorageTrouble, number> = {
  busy: 5,
  'disk-full': 60,
  'read-only': 60,
  'io-error': 30,
};

/** Answers with the problem as application/problem+json. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: HttpProblem) {
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem.toProblem(redactPathSecret(request.url)));
}

/** Maps the domain's errors (shared with the command line and the live channel) to problem details. */
export function fromDomainError(error: unknown): HttpProblem | undefined {
  if (error instanceof ValidationError) {
    return HttpProblem.validation(
      error.message,
      error.problems.map((p) => ({ path: `/${p.field}`, message: p.message })),
    );
  }
  // Before the general conflict: agents drop a snapshot refused with this type (a final refusal).
  if (error instanceof SnapshotIdTaken) {
    return new HttpProblem(409, SNAPSHOT_ID_TAKEN_PROBLEM_TYPE, 'Snapshot id taken', error.message, [
      { path: '/snapshotId', message: error.message },
    ]);
  }
  if (error instanceof ConflictError) {
    return new HttpProblem(409, ProblemTypes.conflict, 'Conflict', error.message, [
      { path: `/${error.field}`, message: error.message },
    ]);
  }
  if (error instanceof NotFoundError) return HttpProblem.notFound(error.message);
  if (error instanceof StorageUnavailableError) {
    return HttpProblem.storageUnavailable(error.message, RETRY_AFTER_SECONDS[error.trouble]);
  }
  // Agents recognise the type and send a full snapshot instead.
  if (error instanceof ResyncNeeded) return new HttpProblem(409, RESYNC_PROBLEM_TYPE, 'Resync needed', error.message);
  if (error instanceof EnrolmentBlocked) {
    return new HttpProblem(403, ENROLMENT_BLOCKED_PROBLEM_TYPE, 'Enrolment blocked', error.message);
  }
  if (error instanceof ImportRefusedError) {
    // For a CSV body the path is /<line>/<column>: the line as an editor numbers it (header = 1).
    return HttpProblem.validation(
      `The file was refused and nothing was imported: ${error.errors.length} problem${error.errors.length === 1 ? '' : 's'}`,
      error.errors.map((e) => ({
        path: `/${e.line}${e.column ? `/${e.column.replace(/~/g, '~0').replace(/\//g, '~1')}` : ''}`,
        message: `line ${e.line}${e.column ? `, ${e.column}` : ''}: ${e.message}`,
      })),
    );
  }
  if (error instanceof ImportTooLargeError) {
    return new HttpProblem(413, ProblemTypes.payloadTooLarge, 'Payload Too Large', error.message);
  }
  // The collector's failure, said as it is: an import job shows it as its problem.
  if (error instanceof ImportReadFailedError) {
    return new HttpProblem(500, ProblemTypes.internal, 'Internal Server Error', error.message);
  }
  return undefined;
}

/** Maps Fastify's own errors (validation, body limit, bad JSON) to problem details. */
function fromFastifyError(error: FastifyError): HttpProblem | undefined {
  if (error.validation) return schemaProblem(error.validation, error.validationContext ?? 'body');
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(413, ProblemTypes.payloadTooLarge, 'Payload Too Large', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, ProblemTypes.unsupportedMediaType, 'Unsupported Media Type', error.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem(400, ProblemTypes.badRequest, 'Bad Request', error.message);
  }
  if (error.statusCode === 400 && error instanceof SyntaxError) {
    return new HttpProblem(400, ProblemTypes.badRequest, 'Bad Request', `Body is not valid JSON: ${error.message}`);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpProblem(error.statusCode, ProblemTypes.badRequest, 'Bad Request', error.message);
  }
  return undefined;
}

/** One error handler for the whole app: problem+json for clients, full context in the log. */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = error instanceof HttpProblem ? error : (fromDomainError(error) ?? fromFastifyError(error));
      if (problem?.status === 503) {
        // Not the client's doing, and an operator must see it: the disk, a lock, the file system.
        request.log.warn({ err: error, status: 503, detail: problem.detail }, 'storage unavailable');
        return sendProblem(reply, request, problem);
      }
      if (problem) {
        request.log.info({ status: problem.status, type: problem.type, detail: problem.detail }, 'request refused');
        return sendProblem(reply, request, problem);
      }
      request.log.error({ err: error }, 'request failed');
      return sendProblem(
        reply,
        request,
        new HttpProblem(500, ProblemTypes.internal, 'Internal Server Error', 'The collector failed; see its log.'),
      );
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, request, HttpProblem.notFound(`No route ${request.method} ${request.url}`)),
    );
  },
  { name: 'problems' },
);
