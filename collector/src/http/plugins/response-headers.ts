import { COLLECTOR_HEADER } from '@stocktake/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { COLLECTOR_VERSION } from '../../version.ts';

/**
 * The headers every answer of the collector carries, whatever answers it: a route, the error
 * handler, or the framework before any route is found.
 * - The collector header lets agents tell a collector from any other server.
 * - `nosniff`: a browser never reads an answer as another type than the one it declares (a CSV
 *   export, or a problem echoing what the client sent, taken for HTML).
 * - `no-store` on the API: its answers are per token, and some carry a secret shown once (an
 *   agent's token at enrolment, a new API token, a rotated enroll secret). Nothing there is
 *   meant to be kept by a browser or a proxy, and a route added later cannot forget it.
 */
export function responseHeaders(url: string | undefined): Record<string, string> {
  return {
    [COLLECTOR_HEADER]: COLLECTOR_VERSION,
    'x-content-type-options': 'nosniff',
    ...(url === undefined || url.startsWith('/api/') ? { 'cache-control': 'no-store' } : {}),
  };
}

/** Sets the response headers at the start of every request, so refusals carry them too. Register first. */
export default fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.headers(responseHeaders(request.url));
    });
  },
  { name: 'response-headers' },
);
