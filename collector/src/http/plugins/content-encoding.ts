import { ProblemTypes } from '@stocktake/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from './problems/problem.ts';

/**
 * The content codings request bodies may come in. No route decodes a compressed body, so
 * only `identity` (no coding) is taken; a route that learns to decode one adds it here.
 */
const DECODED_CODINGS: ReadonlySet<string> = new Set(['identity']);

/** The codings a Content-Encoding header lists that are not decoded, lower-cased. */
export function undecodedCodings(header: string): string[] {
  return header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && !DECODED_CODINGS.has(coding));
}

/**
 * A body in a content coding the collector does not decode is refused with 415 and
 * `Accept-Encoding` naming what it takes (RFC 9110, 15.5.16). Ignored, a gzip body would be
 * read as if it were JSON or CSV.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers['content-encoding'];
      if (header === undefined) return;
      const refused = undecodedCodings(header);
      if (refused.length === 0) return;
      reply.header('accept-encoding', [...DECODED_CODINGS].join(', '));
      throw new HttpProblem(
        415,
        ProblemTypes.unsupportedMediaType,
        'Unsupported Media Type',
        `Content-Encoding ${refused.join(', ')} is not decoded here: send the body without a content coding`,
      );
    });
  },
  { name: 'content-encoding', dependencies: ['problems'] },
);
