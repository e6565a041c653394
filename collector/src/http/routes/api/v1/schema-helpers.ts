import { ProblemTypes } from '@stocktake/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../../plugins/problems/problem.ts';

export function badCursor(): HttpProblem {
  return HttpProblem.validation('Cursor is not one this collector issued', [
    { path: '/cursor', message: 'is not a valid cursor' },
  ]);
}

/**
 * Accepts `text/csv` bodies (as a string, up to `bodyLimit` bytes) within the calling plugin.
 * RFC 4180 files are UTF-8 or ASCII; the byte order mark is the importer's business.
 */
export function acceptCsv(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      done(null, body);
    },
  );
}

/**
 * Fastify parses text/plain on its own; an import route takes CSV only, so a request that
 * says it is something else is refused rather than guessed at.
 */
export async function requireCsvBody(request: FastifyRequest): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/csv' && type !== 'application/csv') {
    throw new HttpProblem(
      415,
      ProblemTypes.unsupportedMediaType,
      'Unsupported Media Type',
      `Send the file as text/csv (got ${type || 'no content type'})`,
    );
  }
}
