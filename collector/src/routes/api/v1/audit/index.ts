import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../../../../db/schema/index.ts';
import { decodeKeyCursor, encodeKeyCursor } from '../../../../plugins/app/pagination.ts';
import { badCursor, Nullable, PageQuery } from '../schema-helpers.ts';

const EntityType = Type.Enum(AUDIT_ENTITY_TYPES);

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String({ description: 'Who: x-stocktake-actor header, "api", "cli:<user>" or "discovery".' }),
  entityType: EntityType,
  entityId: Type.String(),
  action: Type.Enum(AUDIT_ACTIONS),
  before: Type.Unknown({ description: 'The changed fields before (null for a create).' }),
  after: Type.Unknown({ description: 'The changed fields after (null for a delete).' }),
  context: Nullable(Type.String({ description: 'Through what: an import line, a device discovery matched.' })),
});

const auditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/',
    {
      schema: {
        summary: 'Every register change, newest first',
        tags: ['audit'],
        querystring: Type.Object(
          {
            ...PageQuery,
            entityType: Type.Optional(EntityType),
            entityId: Type.Optional(Type.String({ maxLength: 64 })),
            actor: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Nullable(Type.String()) }),
          400: ProblemSchema,
        },
      },
    },
    async (request) => {
      const { limit, cursor, entityType, entityId, actor } = request.query;
      const before = cursor === undefined ? undefined : decodeKeyCursor(cursor, ['number'] as const);
      if (cursor !== undefined && !before) throw badCursor();
      const page = app.auditLog.list({
        limit,
        ...(before ? { before: before[0] } : {}),
        ...(entityType ? { entityType } : {}),
        ...(entityId ? { entityId } : {}),
        ...(actor ? { actor } : {}),
      });
      return {
        items: page.items,
        nextCursor: page.nextCursor === null ? null : encodeKeyCursor([Number(page.nextCursor)]),
      };
    },
  );
};

export default auditRoutes;
