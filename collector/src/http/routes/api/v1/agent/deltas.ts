import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, SnapshotAckSchema, SnapshotDeltaSchema } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import { authenticatedAgent } from '../../../../principal.ts';

/** `POST /api/v1/agent/deltas`: a snapshot told as its changes since the device's last one. */
const deltaRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ingest = fastify.agentIngest;

  app.post(
    '/deltas',
    {
      bodyLimit: fastify.settings.snapshotBodyLimit,
      schema: {
        summary: 'Push a snapshot as a delta against the last one the collector stored',
        tags: ['agent'],
        body: SnapshotDeltaSchema,
        response: {
          200: SnapshotAckSchema,
          201: SnapshotAckSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          409: ProblemSchema,
          413: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const length = Number(request.headers['content-length']);
      const ack = await ingest.delta(authenticatedAgent(request), request.body, {
        sizeBytes: length,
        log: request.log,
      });
      return reply.code(ack.duplicate ? 200 : 201).send(ack);
    },
  );
};

export default deltaRoutes;
