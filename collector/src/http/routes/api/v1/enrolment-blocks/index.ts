import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  EnrolmentBlockCreateSchema,
  EnrolmentBlockListSchema,
  EnrolmentBlockSchema,
  IntegerIdParamsSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { requestActor } from '../../../../principal.ts';

/**
 * `/api/v1/enrolment-blocks`: devices no new agent may take over, and hardware serials no agent
 * may report on, until an admin allows them again. For admins; every change audited.
 */
const enrolmentBlocksRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'The enrolment blocks in force',
        tags: ['agents'],
        response: { 200: EnrolmentBlockListSchema },
      },
    },
    async () => ({ items: await app.stores.enrolmentBlocks.list() }),
  );

  app.post(
    '/',
    {
      schema: {
        summary:
          'Block a device or a hardware serial: new agents reporting it are refused (403), and an open claim on a blocked device waits for an admin',
        tags: ['agents'],
        body: EnrolmentBlockCreateSchema,
        response: { 201: EnrolmentBlockSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const block = await app.stores.enrolmentBlocks.block(request.body, requestActor(request));
      return reply.code(201).send(block);
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Allow again what a block held back',
        tags: ['agents'],
        params: IntegerIdParamsSchema,
        response: { 200: EnrolmentBlockSchema, 404: ProblemSchema },
      },
    },
    async (request) => app.stores.enrolmentBlocks.allow(request.params.id, requestActor(request)),
  );
};

export default enrolmentBlocksRoutes;
