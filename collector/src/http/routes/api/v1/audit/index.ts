import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AUDIT_LIST, AuditPageSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { listRoute } from '../list-route.ts';

const auditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  listRoute(fastify, {
    list: AUDIT_LIST,
    lister: app.lists.audit,
    page: AuditPageSchema,
    summary: 'Every register change, newest first: filter by entity, actor and action; search; export as CSV',
    tags: ['audit'],
  });
};

export default auditRoutes;
