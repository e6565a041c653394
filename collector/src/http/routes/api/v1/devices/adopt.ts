import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { DeviceAdoptionSchema, DeviceAdoptRequestSchema, IdParamsSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { requestActor } from '../../../../principal.ts';

/**
 * `POST /api/v1/devices/:id/adopt`: a person moves a device to an agent, typically the newer
 * agent of an open `claimed_identity` conflict (a machine reinstalled while its old agent still
 * looks alive). Audited.
 */
const adoptRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/:id/adopt',
    {
      schema: {
        summary:
          'Move a device to a live agent: it follows that agent from now on, keeping its history and register link; the device the agent reported on meanwhile is merged in',
        tags: ['devices'],
        params: IdParamsSchema,
        body: DeviceAdoptRequestSchema,
        response: { 200: DeviceAdoptionSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      const adoption = await app.inventory.adopt(request.params.id, request.body.agentId, requestActor(request));
      request.log.info(adoption, 'device adopted');
      return adoption;
    },
  );
};

export default adoptRoutes;
