import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { ConflictSchema } from '../assets/schemas.ts';

const conflictsRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    '/',
    {
      schema: {
        summary:
          'Identifiers that name more than one machine: serials two devices report, UUIDs VMs share, MACs that travel, serials two assets carry',
        tags: ['devices', 'assets'],
        response: { 200: Type.Object({ items: Type.Array(ConflictSchema) }) },
      },
    },
    async () => ({ items: fastify.conflicts.all() }),
  );
};

export default conflictsRoutes;
