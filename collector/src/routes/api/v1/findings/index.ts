import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, ProblemTypes } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { requestActor } from '../../../../plugins/app/audit/actor.ts';
import {
  FINDING_SORTS,
  type FindingSort,
  FindingTransitionError,
} from '../../../../plugins/app/findings/findings-repository.ts';
import { encodeKeyCursor } from '../../../../plugins/app/pagination.ts';
import { HttpProblem } from '../../../../plugins/app/problems/problem.ts';
import { badCursor, Nullable, PageQuery } from '../schema-helpers.ts';
import {
  FindingEventSchema,
  FindingSchema,
  FindingStatusSchema,
  FindingTypeSchema,
  SeveritySchema,
} from './schemas.ts';

const SORTS = FINDING_SORTS.flatMap((s) => [`-${s}`, s]);

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** A list cursor: the sort it was issued for, the last item's sort value and id. */
function decodeCursor(cursor: string, sort: string): readonly [string | number, number] | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== sort) return undefined;
    const [, value, id] = parsed;
    const numeric = sort.endsWith('severity') || sort.endsWith('id');
    if (typeof id !== 'number' || typeof value !== (numeric ? 'number' : 'string')) return undefined;
    return [value as string | number, id];
  } catch {
    return undefined;
  }
}

const findingsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'Findings of reconciliation, filtered and sorted (default: unresolved, most severe first)',
        tags: ['findings'],
        querystring: Type.Object(
          {
            ...PageQuery,
            status: Type.Union([FindingStatusSchema, Type.Literal('active'), Type.Literal('all')], {
              default: 'active',
              description: 'active (open, acknowledged, snoozed), all, or one status.',
            }),
            type: Type.Optional(FindingTypeSchema),
            severity: Type.Optional(SeveritySchema),
            minSeverity: Type.Optional(SeveritySchema),
            deviceId: Type.Optional(Type.String({ maxLength: 64 })),
            assetId: Type.Optional(Type.String({ maxLength: 64 })),
            licenseId: Type.Optional(Type.String({ maxLength: 64 })),
            sort: Type.Enum(SORTS, { default: '-severity', description: 'A field, descending with a leading -.' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(FindingSchema), nextCursor: Nullable(Type.String()) }),
          400: ProblemSchema,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort);
      if (q.cursor !== undefined && !after) throw badCursor();
      const descending = q.sort.startsWith('-');
      const page = app.reconciliation.findings.list({
        limit: q.limit,
        status: q.status,
        sort: (descending ? q.sort.slice(1) : q.sort) as FindingSort,
        descending,
        ...(after ? { after } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.minSeverity ? { minSeverity: q.minSeverity } : {}),
        ...(q.deviceId ? { deviceId: q.deviceId } : {}),
        ...(q.assetId ? { assetId: q.assetId } : {}),
        ...(q.licenseId ? { licenseId: q.licenseId } : {}),
      });
      return {
        items: page.items,
        nextCursor: page.nextCursor ? encodeKeyCursor([q.sort, ...page.nextCursor]) : null,
      };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One finding with its history (opened, resolved, acknowledged, ...)',
        tags: ['findings'],
        params: IdParams,
        response: {
          200: Type.Object({ ...FindingSchema.properties, history: Type.Array(FindingEventSchema) }),
          404: ProblemSchema,
        },
      },
    },
    async (request) => {
      const finding = app.reconciliation.findings.get(request.params.id);
      if (!finding) throw HttpProblem.notFound(`No finding ${request.params.id}`);
      return { ...finding, history: app.reconciliation.findings.events(finding.id) };
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary:
          'Acknowledge (quiet until its evidence changes), snooze until a date, or reopen a finding, with a comment; audited',
        tags: ['findings'],
        params: IdParams,
        body: Type.Object(
          {
            action: Type.Enum(['acknowledge', 'snooze', 'reopen']),
            until: Type.Optional(Type.String({ format: 'date-time', description: 'Snooze: back to open after this.' })),
            comment: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
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
        const finding = app.reconciliation.findings.changeStatus(
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
