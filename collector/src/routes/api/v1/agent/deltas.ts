import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, SnapshotAckSchema, SnapshotDeltaSchema } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import { authenticatedAgent } from '../../../../plugins/app/agents/authenticate.ts';
import { createDeltaIngest, InvalidDelta, ResyncNeeded } from '../../../../plugins/app/devices/delta-ingest.ts';
import { HttpProblem } from '../../../../plugins/app/problems/problem.ts';

export interface DeltaRoutesOptions {
  snapshotBodyLimit: number;
}

/** `POST /api/v1/agent/deltas`: a snapshot told as its changes since the device's last one. */
const deltaRoutes: FastifyPluginAsync<DeltaRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const deltaIngest = createDeltaIngest(app.db, app.devicesRepository, app.snapshotStore);

  app.post(
    '/deltas',
    {
      bodyLimit: opts.snapshotBodyLimit,
      schema: {
        summary: 'Push a snapshot as a delta against the last one the collector stored',
        tags: ['agent'],
        body: SnapshotDeltaSchema,
        response: {
          200: SnapshotAckSchema,
          201: SnapshotAckSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          409: ProblemSchema,
          413: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const agent = authenticatedAgent(request);
      const delta = request.body;
      if (delta.agent.id !== undefined && delta.agent.id !== agent.id) {
        throw HttpProblem.validation('Delta agent id does not match the token', [
          { path: '/agent/id', message: 'is not the id of the agent holding this token' },
        ]);
      }
      const length = Number(request.headers['content-length']);
      let result: ReturnType<typeof deltaIngest.ingest>;
      try {
        result = await app.writeBatcher.submit(() =>
          deltaIngest.ingest(agent, delta, new Date(), {
            ...(Number.isSafeInteger(length) && length > 0 ? { sizeBytes: length } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof ResyncNeeded) throw new HttpProblem(409, err.type, 'Resync needed', err.message);
        if (err instanceof InvalidDelta) throw HttpProblem.validation('Delta sections are inconsistent', err.errors);
        throw err;
      }
      request.log.info(
        {
          agentId: agent.id,
          deviceId: result.deviceId,
          snapshotId: delta.snapshotId,
          baseSnapshotId: delta.baseSnapshotId,
          duplicate: result.duplicate,
          softwareAdded: result.softwareAdded,
          softwareRemoved: result.softwareRemoved,
          changes: result.changes,
        },
        'delta ingested',
      );
      return reply
        .code(result.duplicate ? 200 : 201)
        .send({ snapshotId: delta.snapshotId, deviceId: result.deviceId, duplicate: result.duplicate });
    },
  );
};

export default deltaRoutes;
