import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { DeviceUsageSchema, IdParamsSchema, UsageQuerySchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { deviceUsageView } from '../../../../../domain/usage/device-usage.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { asOfDate } from '../usage-query.ts';

const deviceUsageRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/:id/usage',
    {
      schema: {
        summary:
          'Last use per installed application on one device (the day, how it is known, per person where known), classified used, rarely used, unused or unknown by the policy',
        tags: ['devices'],
        params: IdParamsSchema,
        querystring: UsageQuerySchema,
        response: { 200: DeviceUsageSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await app.inventory.device(id))) throw HttpProblem.notFound(`No device ${id}`);
      const [software, [usage], policy] = await Promise.all([
        app.inventory.software(id),
        app.stores.usage.ofDevices([id]),
        app.reconciliation.policies.current(),
      ]);
      if (!usage) throw HttpProblem.notFound(`No device ${id}`);
      return deviceUsageView(id, software, usage, policy.policy, asOfDate(request.query.asOf));
    },
  );
};

export default deviceUsageRoutes;
