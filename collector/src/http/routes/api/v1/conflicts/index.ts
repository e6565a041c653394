import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ConflictListSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';

const conflictsRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    '/',
    {
      schema: {
        summary:
          'Identifiers that name more than one machine: serials two devices report, UUIDs VMs share, MACs that travel, serials two assets carry',
        tags: ['devices', 'assets'],
        response: { 200: ConflictListSchema },
      },
    },
    async () => ({ items: await fastify.identityConflicts.all() }),
  );
};

export default conflictsRoutes;
