import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AuditPageSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { createAuditList } from '../../../../../store/sqlite/audit/audit-list.ts';
import { listRoute } from '../list-route.ts';

const auditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  listRoute(fastify, {
    spec: createAuditList(app.db),
    page: AuditPageSchema,
    summary: 'Every register change, newest first: filter by entity, actor and action; search; export as CSV',
    tags: ['audit'],
  });
};

export default auditRoutes;
