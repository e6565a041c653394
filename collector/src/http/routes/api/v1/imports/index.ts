import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { IdParamsSchema, ImportJobSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { importJobJson } from '../csv-import-route.ts';

/** `GET /api/v1/imports/:id`: a CSV import answered 202, followed until it is done. */
const importsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/:id',
    {
      schema: {
        summary: 'An import job: its progress, then what it did or why the file was refused',
        tags: ['imports'],
        params: IdParamsSchema,
        response: { 200: ImportJobSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const job = app.imports.get(request.params.id);
      // Jobs live in memory, for an hour after they finish.
      if (!job)
        throw HttpProblem.notFound(`No import job ${request.params.id} (jobs are kept an hour after they finish)`);
      // Sent as written: a string with a JSON content type is not serialized again (the reply's
      // typed send takes only the declared object, which this text is).
      const raw: FastifyReply = reply;
      return raw.type('application/json; charset=utf-8').send(importJobJson(job));
    },
  );
};

export default importsRoutes;
