import { HealthSchema, HealthUnavailableSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';

/** `/healthz`, mounted at its folder's path (the route itself is the empty path: no trailing slash variant). */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '',
    {
      schema: {
        summary: 'Liveness and database check',
        tags: ['health'],
        response: { 200: HealthSchema, 503: HealthUnavailableSchema },
      },
    },
    async (_request, reply) => {
      try {
        await app.stores.ping();
        return { status: 'ok' as const, version: app.collectorVersion };
      } catch (err) {
        app.log.error({ err }, 'health check failed');
        return reply.code(503).send({ status: 'unavailable' as const, error: 'database unavailable' });
      }
    },
  );
};

export default healthRoutes;
