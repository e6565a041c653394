import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { ComplianceQuerySchema, ComplianceSchema, IdParamsSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { type LicenseCompliance, licenseCompliance } from '../../../../../domain/licenses/compliance.ts';
import { decodeKeyCursor, encodeKeyCursor } from '../../../../../domain/lists/cursor.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { badCursor } from '../schema-helpers.ts';

const complianceRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/:id/compliance',
    {
      schema: {
        summary:
          'A license’s product position against what is installed: every entitlement of the product pooled (those in term lend seats), usage by its metric, and the devices or users counted',
        tags: ['licenses'],
        params: IdParamsSchema,
        querystring: ComplianceQuerySchema,
        response: { 200: ComplianceSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const license = await app.licenseService.get(request.params.id);
      if (!license) throw HttpProblem.notFound(`No license ${request.params.id}`);
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeKeyCursor(cursor, ['string'] as const);
      if (cursor !== undefined && !after) throw badCursor();
      const policy = (await app.reconciliation.policies.current()).policy;
      const result: LicenseCompliance = await licenseCompliance(
        app.reconciliation.source.installs,
        license,
        await app.licenseService.all(),
        policy,
        new Date(),
      );
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
        product: result.product,
        usage: result.usage,
        entitlements: result.entitlements,
        matchedVersions: result.matchedVersions,
        counted: page,
        nextCursor: rest.length > limit && last ? encodeKeyCursor([last.key]) : null,
      };
    },
  );
};

export default complianceRoutes;
