import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, ProblemTypes } from '@stocktake/shared';
import { IntegerIdParamsSchema, RUN_LIST, RunPageSchema, RunSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { RunInProgressError } from '../../../../../domain/findings/errors.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';
import { listRoute } from '../list-route.ts';

const reconciliationsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/',
    {
      schema: {
        summary: 'Run reconciliation now and return its summary (409 while another run is in progress)',
        tags: ['reconciliation'],
        response: { 200: RunSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      try {
        return await app.reconciliation.run({ trigger: 'api', actor: requestActor(request) });
      } catch (err) {
        if (err instanceof RunInProgressError) {
          throw new HttpProblem(409, ProblemTypes.conflict, 'Conflict', err.message);
        }
        throw err;
      }
    },
  );

  listRoute(fastify, {
    list: RUN_LIST,
    lister: app.lists.runs,
    page: RunPageSchema,
    summary: 'Reconciliation runs, newest first',
    tags: ['reconciliation'],
  });

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One reconciliation run',
        tags: ['reconciliation'],
        params: IntegerIdParamsSchema,
        response: { 200: RunSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const run = await app.reconciliation.runs.get(request.params.id);
      if (!run) throw HttpProblem.notFound(`No reconciliation run ${request.params.id}`);
      return run;
    },
  );
};

export default reconciliationsRoutes;
