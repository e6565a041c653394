import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, ProblemTypes } from '@stocktake/shared';
import {
  FINDING_LIST,
  FindingDetailSchema,
  FindingPageSchema,
  FindingSchema,
  FindingStatusChangeSchema,
  FindingTypeCatalogueSchema,
  IntegerIdParamsSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { FindingTransitionError } from '../../../../../domain/findings/errors.ts';
import { findingRules, refuseUnknownFindingTypes } from '../../../../../domain/findings/registry.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';
import { listRoute } from '../list-route.ts';

const findingsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  listRoute(fastify, {
    list: FINDING_LIST,
    lister: refuseUnknownFindingTypes(app.lists.findings, await findingRules()),
    page: FindingPageSchema,
    summary: 'Findings of reconciliation, filtered and sorted (default: unresolved, most severe first)',
    description: 'q matches the summary or the subject id.',
    tags: ['findings'],
  });

  app.get(
    '/types',
    {
      schema: {
        summary: 'The finding types the registered rules raise, with what each is about and its usual severity',
        description: 'What `type` filters accept; the CLI and the console complete from it.',
        tags: ['findings'],
        response: { 200: FindingTypeCatalogueSchema },
      },
    },
    async () => ({ items: [...(await findingRules()).types] }),
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One finding with its history (opened, resolved, acknowledged, ...)',
        tags: ['findings'],
        params: IntegerIdParamsSchema,
        response: { 200: FindingDetailSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const finding = await app.reconciliation.findings.get(request.params.id);
      if (!finding) throw HttpProblem.notFound(`No finding ${request.params.id}`);
      return { ...finding, history: await app.reconciliation.findings.events(finding.id) };
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary:
          'Acknowledge (quiet until its evidence changes), snooze until a date, or reopen a finding, with a comment; audited',
        tags: ['findings'],
        params: IntegerIdParamsSchema,
        body: FindingStatusChangeSchema,
        response: { 200: FindingSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      const { action, until, comment } = request.body;
      if (action === 'snooze' && until === undefined) {
        throw HttpProblem.validation('Snoozing needs until, a date-time', [{ path: '/until', message: 'is required' }]);
      }
      if (action === 'snooze' && until !== undefined && Date.parse(until) <= Date.now()) {
        throw HttpProblem.validation(`Snooze until ${until} is not in the future`, [
          { path: '/until', message: 'must be in the future' },
        ]);
      }
      try {
        const finding = await app.reconciliation.findings.changeStatus(
          request.params.id,
          { action, ...(until ? { until } : {}), ...(comment ? { comment } : {}) },
          requestActor(request),
        );
        if (!finding) throw HttpProblem.notFound(`No finding ${request.params.id}`);
        return finding;
      } catch (err) {
        if (err instanceof FindingTransitionError) {
          throw new HttpProblem(409, ProblemTypes.conflict, 'Conflict', err.message);
        }
        throw err;
      }
    },
  );
};

export default findingsRoutes;
