import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AGENT_OFFLINE_PROBLEM_TYPE, ProblemSchema } from '@stocktake/shared';
import { IdParamsSchema, RefreshAcceptedSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';

/** `POST /api/v1/devices/:id/refresh`: ask the device's agent, over its live channel, for an inventory now. */
const refreshRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/:id/refresh',
    {
      schema: {
        summary: "Ask the device's agent for an immediate inventory (it must be online: see `online`)",
        tags: ['devices'],
        params: IdParamsSchema,
        response: { 202: RefreshAcceptedSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const device = await app.inventory.device(request.params.id);
      if (!device) throw HttpProblem.notFound(`No device ${request.params.id}`);
      const requestId = device.agentId ? await app.presence.requestRefresh(device.agentId) : undefined;
      if (!device.agentId || !requestId) {
        throw new HttpProblem(
          409,
          AGENT_OFFLINE_PROBLEM_TYPE,
          'Agent offline',
          `The agent of device ${device.id} has no live channel open; it will report on its own schedule.`,
        );
      }
      request.log.info({ deviceId: device.id, agentId: device.agentId, requestId }, 'refresh requested');
      return reply.code(202).send({ deviceId: device.id, agentId: device.agentId, requestId });
    },
  );
};

export default refreshRoutes;
