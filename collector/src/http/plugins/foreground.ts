import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { RequestsInFlight } from '../../domain/csv/pace.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The request is background work itself (a CSV import's upload): not counted as in flight. */
    background?: boolean;
  }
}

/**
 * Counts the requests in flight for the collector's background work (import jobs), which lets
 * them be answered first (domain/csv/pace.ts). Each request is counted from its arrival until
 * its answer is sent or its connection is gone (the response's `close`, which comes either way).
 * Not counted: websocket upgrades (the live channel stays open for hours) and routes that are
 * background work themselves.
 */
export default fp<{ foreground: RequestsInFlight }>(
  async (app: FastifyInstance, opts) => {
    const { foreground } = opts;
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
      if (request.routeOptions.config?.background === true) return;
      foreground.begin();
      reply.raw.once('close', () => foreground.end());
    });
  },
  { name: 'foreground' },
);
