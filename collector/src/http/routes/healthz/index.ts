import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database check',
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }),
          503: Type.Object({ status: Type.Literal('unavailable'), error: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        app.sqlite.prepare('SELECT 1').get();
        return { status: 'ok' as const, version: app.collectorVersion };
      } catch (err) {
        app.log.error({ err }, 'health check failed');
        return reply.code(503).send({ status: 'unavailable' as const, error: 'database unavailable' });
      }
    },
  );
};

export default healthRoutes;
