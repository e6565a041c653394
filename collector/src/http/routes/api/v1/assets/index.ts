import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  ASSET_LIST,
  AssetCreateSchema,
  AssetDetailSchema,
  AssetImportOutcomeSchema,
  AssetImportQuerySchema,
  AssetPageSchema,
  AssetSchema,
  AssetUpdateSchema,
  CsvExportSchema,
  CsvUploadSchema,
  IdParamsSchema,
  ImportJobSchema,
  NoContentSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import type { StatusOptions } from '../../../../../domain/register/asset-plan.ts';
import type { AssetInput } from '../../../../../domain/register/asset-validate.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';
import { csvImportHandler, IMPORT_DESCRIPTION } from '../csv-import-route.ts';
import { listRoute } from '../list-route.ts';
import { createRelated } from '../related.ts';
import { acceptCsv, requireCsvBody } from '../schema-helpers.ts';

/** Splits a request body into register fields and the options that steer the status change. */
function split(body: Record<string, unknown>): { input: AssetInput; options: StatusOptions } {
  const { statusNote, disposal, correction, unlockFields, force, ...fields } = body;
  const options: StatusOptions = {};
  if (typeof statusNote === 'string') options.note = statusNote;
  if (disposal) options.disposal = disposal as StatusOptions['disposal'] & object;
  if (correction) options.correction = correction as { reason: string };
  if (Array.isArray(unlockFields)) options.unlock = unlockFields as string[];
  if (force === true) options.force = true;
  return { input: fields as AssetInput, options };
}

const assetsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  acceptCsv(fastify, fastify.settings.csvBodyLimit);
  const related = createRelated(fastify);

  listRoute(fastify, {
    list: ASSET_LIST,
    lister: app.lists.assets,
    page: AssetPageSchema,
    summary: 'List the register: filter, search (q), sort, page, or export as CSV',
    description:
      'q matches asset tag, name, serial, host name, assignee, MAC or the IP of a linked device. For the Snipe-IT column layout, see /api/v1/assets/export.csv.',
    tags: ['assets'],
  });

  app.post(
    '/',
    {
      schema: {
        summary: 'Add an asset to the register',
        tags: ['assets'],
        body: AssetCreateSchema,
        response: { 201: AssetSchema, 400: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { input, options } = split(request.body);
      const asset = await app.registerService.create(input, options, { actor: requestActor(request) });
      return reply.code(201).header('location', `/api/v1/assets/${asset.id}`).send(asset);
    },
  );

  app.get(
    '/export.csv',
    {
      schema: {
        summary: 'The register as Snipe-IT-format CSV',
        tags: ['assets'],
        produces: ['text/csv'],
        response: { 200: CsvExportSchema },
      },
    },
    async (_request, reply) => {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="assets.csv"')
        .send(await app.registerService.exportCsv());
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
        summary:
          'Import a Snipe-IT-format asset CSV or Custom Asset Report (all or nothing; ?dryRun=true to preview; statusMap for custom labels)',
        description: IMPORT_DESCRIPTION,
        tags: ['assets'],
        consumes: ['text/csv'],
        querystring: AssetImportQuerySchema,
        body: CsvUploadSchema,
        response: {
          200: AssetImportOutcomeSchema,
          202: ImportJobSchema,
          400: ProblemSchema,
          413: ProblemSchema,
          415: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    csvImportHandler(fastify, 'assets'),
  );

  app.get(
    '/:id',
    {
      schema: {
        summary:
          'Everything about one asset: its fields, status events, linked devices, identity conflicts, open findings and change history',
        tags: ['assets'],
        params: IdParamsSchema,
        response: { 200: AssetDetailSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const asset = await app.registerService.detail(request.params.id);
      if (!asset) throw HttpProblem.notFound(`No asset ${request.params.id}`);
      return {
        ...asset,
        findings: await related.openFindings({ assetId: asset.id }),
        history: await related.history('asset', asset.id),
      };
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Change an asset (null clears a field); a status change is an event',
        tags: ['assets'],
        params: IdParamsSchema,
        body: AssetUpdateSchema,
        response: { 200: AssetSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      const { input, options } = split(request.body);
      return app.registerService.update(request.params.id, input, options, { actor: requestActor(request) });
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Remove an asset from the register (the audit log keeps it); one with a disposal record is refused',
        tags: ['assets'],
        params: IdParamsSchema,
        response: { 204: NoContentSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      await app.registerService.remove(request.params.id, { actor: requestActor(request) });
      return reply.code(204).send(null);
    },
  );
};

export default assetsRoutes;
