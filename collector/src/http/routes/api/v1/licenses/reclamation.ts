import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { IdParamsSchema, ReclamationSchema, UsageQuerySchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { reclamations } from '../../../../../domain/usage/reclamation.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { asOfDate } from '../usage-query.ts';

const reclamationRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/:id/reclamation',
    {
      schema: {
        summary:
          'Seats a license’s product could take back: installs and people by use (every entitlement of the product pooled), the reclaimable seats with their devices and people, and the money at the next renewal',
        tags: ['licenses'],
        params: IdParamsSchema,
        querystring: UsageQuerySchema,
        response: { 200: ReclamationSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const license = await app.licenseService.get(request.params.id);
      if (!license) throw HttpProblem.notFound(`No license ${request.params.id}`);
      const policy = (await app.reconciliation.policies.current()).policy;
      const [result] = await reclamations(
        { installs: app.reconciliation.source.installs, usage: app.stores.usage },
        await app.licenseService.all(),
        policy,
        asOfDate(request.query.asOf),
        license,
      );
      if (!result) throw HttpProblem.notFound(`No license ${request.params.id}`);
      return result;
    },
  );
};

export default reclamationRoutes;
