import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  DeviceDeletionSchema,
  DeviceMergeRequestSchema,
  DeviceMergeSchema,
  IdParamsSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { requestActor } from '../../../../principal.ts';

/**
 * `POST /api/v1/devices/:id/merge` and `DELETE /api/v1/devices/:id`: a person folds a duplicate
 * device into another, or removes a device for good. Admins only (every write route is), audited.
 */
const deviceAdminRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/:id/merge',
    {
      schema: {
        summary:
          'Merge a duplicate device into this one: both histories stay here, the duplicate’s agents report here, and the duplicate is removed',
        description:
          'The snapshots and change history of `from` move to this device, findings about it are referenced here as well, and its agents report here from now on; this device follows whichever agent reported last. This device keeps its register link, or takes the duplicate’s when it has none. Audited on both devices.',
        tags: ['devices'],
        params: IdParamsSchema,
        body: DeviceMergeRequestSchema,
        response: { 200: DeviceMergeSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const merge = await app.inventory.merge(request.params.id, request.body.from, requestActor(request));
      request.log.info(merge, 'devices merged');
      return merge;
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary:
          'Delete a device: its snapshots, history and register link go, the audit entries stay, and a machine that reports again comes back as a new device',
        description:
          'Its agents are not revoked: one that reports again lands on a new device (revoke it, or block its serial, to keep it out). Enrolment blocks on the device are lifted with it. Open findings about it resolve at the next reconciliation.',
        tags: ['devices'],
        params: IdParamsSchema,
        response: { 200: DeviceDeletionSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const deletion = await app.inventory.delete(request.params.id, requestActor(request));
      request.log.info(deletion, 'device deleted');
      return deletion;
    },
  );
};

export default deviceAdminRoutes;
