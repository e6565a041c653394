import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The metrics page the composition root hands the edge (Prometheus's text format today). */
export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
  /** Figures only the edge knows: how many agents hold a live channel. */
  watchAgentsOnline(count: () => number): void;
}

/**
 * `GET /metrics`, for Prometheus. The access hook lets it through with the metrics token only
 * (route-access.ts); it is not part of the API document.
 */
export default fp<{ endpoint: MetricsEndpoint }>(
  async (app: FastifyInstance, { endpoint }) => {
    endpoint.watchAgentsOnline(() => app.presence.onlineCount());
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const body = await endpoint.render();
      return reply.type(endpoint.contentType).header('cache-control', 'no-store').send(body);
    });
  },
  { name: 'metrics', dependencies: ['live', 'access'] },
);
