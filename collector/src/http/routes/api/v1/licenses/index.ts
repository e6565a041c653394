import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  CsvExportSchema,
  CsvUploadSchema,
  DryRunQuerySchema,
  IdParamsSchema,
  ImportJobSchema,
  LICENSE_LIST,
  LicenseCreateSchema,
  LicenseImportOutcomeSchema,
  LicensePageSchema,
  LicenseSchema,
  LicenseUpdateSchema,
  NoContentSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { licenseUsages, presentDevices, usageOf } from '../../../../../domain/licenses/compliance.ts';
import type { LicenseInput } from '../../../../../domain/licenses/license-model.ts';
import { poolKey, poolsOf } from '../../../../../domain/licenses/positions.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';
import { csvImportHandler, IMPORT_DESCRIPTION } from '../csv-import-route.ts';
import { listRoute } from '../list-route.ts';
import { acceptCsv, requireCsvBody } from '../schema-helpers.ts';
import complianceRoutes from './compliance.ts';
import reclamationRoutes from './reclamation.ts';

const licensesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  acceptCsv(fastify, fastify.settings.csvBodyLimit);

  listRoute(fastify, {
    list: LICENSE_LIST,
    lister: app.lists.licenses,
    page: LicensePageSchema,
    summary: 'List license entitlements: filter, search (q), sort, page, or export as CSV',
    tags: ['licenses'],
  });

  app.post(
    '/',
    {
      schema: {
        summary: 'Add a license entitlement',
        tags: ['licenses'],
        body: LicenseCreateSchema,
        response: { 201: LicenseSchema, 400: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const license = await app.licenseService.create(request.body as LicenseInput, { actor: requestActor(request) });
      return reply.code(201).header('location', `/api/v1/licenses/${license.id}`).send(license);
    },
  );

  app.get(
    '/export.csv',
    {
      schema: {
        summary: 'License entitlements as CSV',
        tags: ['licenses'],
        produces: ['text/csv'],
        response: { 200: CsvExportSchema },
      },
    },
    async (_request, reply) => {
      // Each license's product position, counted as the summary and compliance count it.
      const now = new Date();
      const r = app.reconciliation;
      const policy = (await r.policies.current()).policy;
      const licenses = await app.licenseService.all();
      const usage = await licenseUsages(
        r.source.installs,
        licenses,
        presentDevices(await r.source.devices(), policy, now),
      );
      const positions = new Map(
        poolsOf(licenses).map((pool) => {
          const u = usage.get(pool.key);
          return [pool.key, usageOf(pool, u?.devices ?? 0, u?.users ?? 0, policy, now)];
        }),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="licenses.csv"')
        .send(await app.licenseService.exportCsv((l) => positions.get(poolKey(l))));
    },
  );

  app.post(
    '/import',
    {
      bodyLimit: fastify.settings.csvBodyLimit,
      // The upload is the import: import jobs do not wait for it as for an agent.
      config: { background: true },
      onRequest: requireCsvBody,
      schema: {
        summary: 'Import license entitlements from CSV (all or nothing; ?dryRun=true to preview)',
        description: IMPORT_DESCRIPTION,
        tags: ['licenses'],
        consumes: ['text/csv'],
        querystring: DryRunQuerySchema,
        body: CsvUploadSchema,
        response: {
          200: LicenseImportOutcomeSchema,
          202: ImportJobSchema,
          400: ProblemSchema,
          413: ProblemSchema,
          415: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    csvImportHandler(fastify, 'licenses'),
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One license entitlement',
        tags: ['licenses'],
        params: IdParamsSchema,
        response: { 200: LicenseSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const license = await app.licenseService.get(request.params.id);
      if (!license) throw HttpProblem.notFound(`No license ${request.params.id}`);
      return license;
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Change a license entitlement',
        tags: ['licenses'],
        params: IdParamsSchema,
        body: LicenseUpdateSchema,
        response: { 200: LicenseSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) =>
      app.licenseService.update(request.params.id, request.body as LicenseInput, { actor: requestActor(request) }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Remove a license entitlement (the audit log keeps it)',
        tags: ['licenses'],
        params: IdParamsSchema,
        response: { 204: NoContentSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      await app.licenseService.remove(request.params.id, { actor: requestActor(request) });
      return reply.code(204).send(null);
    },
  );

  // The folder's other route files, under the same prefix.
  await fastify.register(complianceRoutes);
  await fastify.register(reclamationRoutes);
};

export default licensesRoutes;
