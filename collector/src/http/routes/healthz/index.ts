import { HealthSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';

/**
 * `/healthz`, mounted at its folder's path (the route itself is the empty path: no trailing
 * slash variant). Liveness: the process answers HTTP. It touches no storage, so a slow or full
 * disk never gets a working collector restarted; whether it can take traffic is /readyz.
 */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '',
    {
      schema: {
        summary: 'Liveness: the collector process answers',
        tags: ['health'],
        response: { 200: HealthSchema },
      },
    },
    async () => ({ status: 'ok' as const, version: app.collectorVersion }),
  );
};

export default healthRoutes;
