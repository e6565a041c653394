import { ProblemTypes } from '@stocktake/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../../plugins/problems/problem.ts';

export function badCursor(): HttpProblem {
  return HttpProblem.validation('Cursor is not one this collector issued', [
    { path: '/cursor', message: 'is not a valid cursor' },
  ]);
}

/**
 * Accepts `text/csv` bodies (as bytes, up to `bodyLimit`) within the calling plugin. The bytes go
 * to the importer as they are: spreadsheets save CSV in legacy code pages whatever the request's
 * charset says, and the importer detects the encoding.
 */
export function acceptCsv(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit },
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
