import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  EnrollRequestSchema,
  EnrollResponseSchema,
  ProblemSchema,
  SnapshotAckSchema,
  SnapshotSchema,
} from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import { acceptLargeJson } from '../../../../plugins/large-body/index.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { authenticatedAgent } from '../../../../principal.ts';
import deltaRoutes from './deltas.ts';
import liveRoutes from './live.ts';

const agentRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ingest = fastify.agentIngest;
  // Large snapshot and delta bodies are parsed and checked off the event loop (here and in deltas.ts).
  acceptLargeJson(fastify, fastify.largeBodies);

  app.post(
    '/enroll',
    {
      schema: {
        summary: 'Enrol an agent with the shared enroll secret',
        tags: ['agent'],
        body: EnrollRequestSchema,
        response: { 201: EnrollResponseSchema, 400: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      if (!(await app.stores.enrollSecrets.accepts(request.body.enrollSecret))) {
        throw HttpProblem.forbidden('Enroll secret is wrong or revoked');
      }
      const enrolled = await app.stores.agents.enrol({
        hostname: request.body.hostname,
        version: request.body.agentVersion,
        platform: request.body.platform,
        address: request.ip,
      });
      request.log.info({ agentId: enrolled.agentId, hostname: request.body.hostname }, 'agent enrolled');
      return reply.code(201).send(enrolled);
    },
  );

  // The agent token is checked by the access hook (http/plugins/access) before the body is read.
  app.post(
    '/snapshots',
    {
      bodyLimit: fastify.settings.snapshotBodyLimit,
      schema: {
        summary: 'Push a full inventory snapshot',
        tags: ['agent'],
        body: SnapshotSchema,
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
      const ack = await ingest.snapshot(authenticatedAgent(request), request.body, {
        sizeBytes: length,
        log: request.log,
      });
      return reply.code(ack.duplicate ? 200 : 201).send(ack);
    },
  );

  // The folder's other route files, under the same prefix.
  await fastify.register(deltaRoutes);
  await fastify.register(liveRoutes);
};

export default agentRoutes;
