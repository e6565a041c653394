import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  EnrollRequestSchema,
  EnrollResponseSchema,
  ProblemSchema,
  SnapshotAckSchema,
  SnapshotSchema,
} from '@stocktake/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AgentRow } from '../../../../plugins/app/agents/agents-repository.ts';
import { bearerToken, secretsEqual } from '../../../../plugins/app/agents/tokens.ts';
import { computeSectionHashes } from '../../../../plugins/app/devices/section-hashes.ts';
import { HttpProblem } from '../../../../plugins/app/problems/problem.ts';

export interface AgentRoutesOptions {
  enrollSecret: string;
  snapshotBodyLimit: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentRow;
  }
}

function requireAgent(request: FastifyRequest): AgentRow {
  if (!request.agent) throw HttpProblem.unauthorized('Agent token required');
  return request.agent;
}

const agentRoutes: FastifyPluginAsync<AgentRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/enroll',
    {
      schema: {
        summary: 'Enrol an agent with the shared enroll secret',
        tags: ['agent'],
        body: EnrollRequestSchema,
        response: { 201: EnrollResponseSchema, 400: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request, reply) => {
      if (!secretsEqual(request.body.enrollSecret, opts.enrollSecret)) {
        throw HttpProblem.forbidden('Enroll secret is wrong');
      }
      const enrolled = app.agentsRepository.enrol({
        hostname: request.body.hostname,
        version: request.body.agentVersion,
        platform: request.body.platform,
      });
      request.log.info({ agentId: enrolled.agentId, hostname: request.body.hostname }, 'agent enrolled');
      return reply.code(201).send(enrolled);
    },
  );

  app.register(async (authed) => {
    authed.addHook('onRequest', async (request) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw HttpProblem.unauthorized('Missing bearer token');
      const agent = authed.agentsRepository.findByToken(token);
      // One answer for unknown and revoked: the agent re-enrols either way.
      if (!agent) throw HttpProblem.unauthorized('Agent token is unknown or revoked');
      request.agent = agent;
    });

    authed.withTypeProvider<TypeBoxTypeProvider>().post(
      '/snapshots',
      {
        bodyLimit: opts.snapshotBodyLimit,
        schema: {
          summary: 'Push a full inventory snapshot',
          tags: ['agent'],
          body: SnapshotSchema,
          response: {
            200: SnapshotAckSchema,
            201: SnapshotAckSchema,
            400: ProblemSchema,
            401: ProblemSchema,
            413: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const agent = requireAgent(request);
        const snapshot = request.body;
        if (snapshot.agent.id !== undefined && snapshot.agent.id !== agent.id) {
          throw HttpProblem.validation('Snapshot agent id does not match the token', [
            { path: '/agent/id', message: 'is not the id of the agent holding this token' },
          ]);
        }
        const { hashes, errors } = computeSectionHashes(snapshot);
        if (errors.length > 0) throw HttpProblem.validation('Snapshot sections are inconsistent', errors);
        const length = Number(request.headers['content-length']);
        const result = authed.devicesRepository.ingest(agent, snapshot, hashes, new Date(), {
          ...(Number.isSafeInteger(length) && length > 0 ? { sizeBytes: length } : {}),
        });
        request.log.info(
          {
            agentId: agent.id,
            deviceId: result.deviceId,
            snapshotId: snapshot.snapshotId,
            duplicate: result.duplicate,
            softwareAdded: result.softwareAdded,
            softwareRemoved: result.softwareRemoved,
            changes: result.changes,
          },
          'snapshot ingested',
        );
        return reply
          .code(result.duplicate ? 200 : 201)
          .send({ snapshotId: snapshot.snapshotId, deviceId: result.deviceId, duplicate: result.duplicate });
      },
    );
  });
};

export default agentRoutes;
