import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { LICENSE_METRICS } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { type LicenseCompliance, licenseCompliance } from '../../../../../domain/findings/compliance.ts';
import { decodeKeyCursor, encodeKeyCursor } from '../../../../../store/sqlite/lists/pagination.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { badCursor, Nullable } from '../schema-helpers.ts';

export const UsageSchema = Type.Object({
  metric: Type.Enum(LICENSE_METRICS),
  seats: Type.Integer(),
  used: Type.Integer({ description: 'Devices (per_device) or users (per_user) counted.' }),
  devices: Type.Integer({ description: 'Present devices with a matching install.' }),
  users: Type.Integer({ description: 'Distinct users of those devices (a device with no known user counts as one).' }),
  available: Type.Integer({ description: 'Seats − used, at least 0.' }),
  over: Type.Integer({ description: 'Used − seats, at least 0.' }),
  state: Type.Enum(['over', 'within', 'shelfware'], {
    description: 'shelfware: at renewal time with at least the policy threshold of seats unused.',
  }),
  atRenewal: Type.Boolean({ description: 'The term ends within the renewal horizon.' }),
  unusedSeatsCost: Nullable(Type.Number({ description: 'available × cost per seat, where the cost is known.' })),
});

const CountedSchema = Type.Object({
  key: Type.String({
    description: 'Device id (per_device), or user (per_user; device:<id> for a device with no known user).',
  }),
  user: Nullable(Type.String()),
  devices: Type.Array(
    Type.Object({
      deviceId: Type.String(),
      hostname: Type.String(),
      lastSeenAt: Type.String(),
      software: Type.Array(Type.String(), { description: 'Matching installs: name and version.' }),
    }),
  ),
});

const complianceRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/:id/compliance',
    {
      schema: {
        summary:
          'A license entitlement against what is installed: usage by its metric and the devices or users counted',
        tags: ['licenses'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            cursor: Type.Optional(Type.String({ maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            license: Type.Object({
              id: Type.String(),
              product: Type.String(),
              namePattern: Type.String(),
              publisherPattern: Nullable(Type.String()),
              versionRange: Nullable(Type.String()),
              termEnd: Nullable(Type.String()),
              costPerSeat: Nullable(Type.Number()),
            }),
            usage: UsageSchema,
            matchedVersions: Type.Integer({ description: 'Catalogue entries (package versions) the rule matches.' }),
            counted: Type.Array(CountedSchema),
            nextCursor: Nullable(Type.String()),
          }),
          400: ProblemSchema,
          404: ProblemSchema,
        },
      },
    },
    async (request) => {
      const license = app.licensesRepository.get(request.params.id);
      if (!license) throw HttpProblem.notFound(`No license ${request.params.id}`);
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeKeyCursor(cursor, ['string'] as const);
      if (cursor !== undefined && !after) throw badCursor();
      const policy = app.reconciliation.policies.current().policy;
      const result: LicenseCompliance = licenseCompliance(app.reconciliation.source, license, policy, new Date());
      const rest = after ? result.counted.filter((c) => c.key > after[0]) : result.counted;
      const page = rest.slice(0, limit);
      const last = page.at(-1);
      return {
        license: {
          id: license.id,
          product: license.product,
          namePattern: license.namePattern,
          publisherPattern: license.publisherPattern,
          versionRange: license.versionRange,
          termEnd: license.termEnd,
          costPerSeat: license.costPerSeat,
        },
        usage: result.usage,
        matchedVersions: result.matchedVersions,
        counted: page,
        nextCursor: rest.length > limit && last ? encodeKeyCursor([last.key]) : null,
      };
    },
  );
};

export default complianceRoutes;
