import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ProblemTypes } from '@stocktake/shared';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { responseHeaders } from '../response-headers.ts';
import { PROBLEM_CONTENT_TYPE, sendProblem } from './index.ts';
import { COLLECTOR_PROBLEM_TYPES, HttpProblem } from './problem.ts';

function frameworkProblem(error: FastifyError): HttpProblem {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new HttpProblem(400, ProblemTypes.badRequest, 'Bad Request', 'The URL path is not valid percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpProblem(
        414,
        COLLECTOR_PROBLEM_TYPES.uriTooLong,
        'URI Too Long',
        'A path parameter is longer than any id the collector issues',
      );
  }
  return new HttpProblem(500, ProblemTypes.internal, 'Internal Server Error', 'The collector failed; see its log.');
}

/**
 * Fastify's `frameworkErrors`: the router's refusals, which come before any route, hook or
 * error handler (a URL that does not decode, a path parameter past `maxParamLength`), answered
 * as problem details with the headers every answer carries.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = frameworkProblem(error);
  request.log.info({ status: problem.status, type: problem.type, code: error.code }, 'request refused');
  reply.headers(responseHeaders(request.url));
  void sendProblem(reply, request, problem);
}

function connectionProblem(error: { code?: string }): HttpProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // Node counts the request line with the headers: a long URL ends here too.
      return new HttpProblem(
        431,
        COLLECTOR_PROBLEM_TYPES.headersTooLarge,
        'Request Header Fields Too Large',
        'The request line and headers are larger than the collector reads',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpProblem(
        408,
        COLLECTOR_PROBLEM_TYPES.requestTimeout,
        'Request Timeout',
        'The request did not arrive in time',
      );
  }
  return new HttpProblem(
    400,
    ProblemTypes.badRequest,
    'Bad Request',
    `The request is not valid HTTP/1.1${error.code ? ` (${error.code})` : ''}`,
  );
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (malformed, headers too
 * large, too slow) never reaches Fastify, so its answer is written to the socket here, as a
 * problem like every other refusal, and the connection closed.
 */
export function clientErrorHandler(log: FastifyBaseLogger | undefined) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem = connectionProblem(error);
    log?.debug({ status: problem.status, code: error.code }, 'malformed request refused');
    if (socket.writable) {
      const body = JSON.stringify(problem.toProblem());
      const headers: Record<string, string> = {
        'content-type': PROBLEM_CONTENT_TYPE,
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
        ...responseHeaders(undefined),
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${head}\r\n${body}`);
    }
    socket.destroy();
  };
}
