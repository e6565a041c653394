import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, ProblemTypes } from '@stocktake/shared';
import { RUN_STATUSES, RUN_TRIGGERS } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { createRunList } from '../../../../../store/sqlite/findings/run-list.ts';
import { RunInProgressError } from '../../../../../store/sqlite/findings/runs-repository.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../request-actor.ts';
import { listRoute } from '../list-route.ts';
import { Nullable } from '../schema-helpers.ts';

const CountsSchema = Type.Object({
  opened: Type.Integer({ description: 'New findings.' }),
  recurred: Type.Integer({ description: 'Resolved findings whose condition came back.' }),
  returned: Type.Integer({ description: 'Acknowledged with new evidence, or snoozed past their date: open again.' }),
  resolved: Type.Integer({ description: 'Findings whose condition cleared.' }),
  open: Type.Integer({ description: 'Holding after the run (open, acknowledged or snoozed).' }),
});

export const RunSchema = Type.Object({
  id: Type.Integer(),
  trigger: Type.Enum(RUN_TRIGGERS),
  actor: Type.String(),
  status: Type.Enum(RUN_STATUSES),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  counts: Nullable(Type.Object({ byType: Type.Record(Type.String(), CountsSchema), totals: CountsSchema })),
  matching: Nullable(
    Type.Object({
      devices: Type.Integer(),
      changed: Type.Integer({ description: 'Device links matching changed.' }),
      linked: Type.Integer(),
    }),
  ),
  phases: Nullable(Type.Record(Type.String(), Type.Integer(), { description: 'Milliseconds per phase.' })),
});

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
    spec: createRunList(app.db),
    item: RunSchema,
    summary: 'Reconciliation runs, newest first',
    tags: ['reconciliation'],
  });

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One reconciliation run',
        tags: ['reconciliation'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: RunSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const run = app.reconciliation.runs.get(request.params.id);
      if (!run) throw HttpProblem.notFound(`No reconciliation run ${request.params.id}`);
      return run;
    },
  );
};

export default reconciliationsRoutes;
