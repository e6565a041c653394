import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { LICENSE_METRICS } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { exportLicensesCsv, importLicensesCsv } from '../../../../../domain/licenses/license-csv.ts';
import type { LicenseInput } from '../../../../../domain/licenses/license-model.ts';
import { createLicenseList } from '../../../../../store/sqlite/licenses/license-list.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../request-actor.ts';
import { listRoute } from '../list-route.ts';
import { acceptCsv, DryRunQuery, IsoDate, Nullable, requireCsvBody } from '../schema-helpers.ts';

export interface LicenseRoutesOptions {
  csvBodyLimit: number;
}

const Metric = Type.Enum(LICENSE_METRICS, {
  description: 'per_device: each device with a matching install uses a seat; per_user: each user does.',
});

const fields = {
  product: Type.String({ minLength: 1, maxLength: 255, description: 'Product the entitlement covers.' }),
  publisher: Nullable(Type.String({ maxLength: 255 })),
  namePattern: Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Glob (* and ?, case-insensitive) over installed software names; defaults to the product.',
  }),
  publisherPattern: Nullable(Type.String({ maxLength: 255, description: 'Glob over publishers.' })),
  versionRange: Nullable(Type.String({ maxLength: 255, description: 'e.g. ">=16 <17", "16.*", ">=1 <2 || >=3".' })),
  metric: Metric,
  seats: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  termStart: Nullable(IsoDate),
  termEnd: Nullable(IsoDate),
  costPerSeat: Nullable(Type.Number({ minimum: 0 })),
  orderNumber: Nullable(Type.String({ maxLength: 255 })),
  notes: Nullable(Type.String({ maxLength: 65_535 })),
};

const LicenseSchema = Type.Object({ id: Type.String(), ...fields, createdAt: Type.String(), updatedAt: Type.String() });

const LicenseCreateSchema = Type.Object(
  {
    product: fields.product,
    seats: fields.seats,
    publisher: Type.Optional(fields.publisher),
    namePattern: Type.Optional(fields.namePattern),
    publisherPattern: Type.Optional(fields.publisherPattern),
    versionRange: Type.Optional(fields.versionRange),
    metric: Type.Optional(fields.metric),
    termStart: Type.Optional(fields.termStart),
    termEnd: Type.Optional(fields.termEnd),
    costPerSeat: Type.Optional(fields.costPerSeat),
    orderNumber: Type.Optional(fields.orderNumber),
    notes: Type.Optional(fields.notes),
  },
  { additionalProperties: false },
);

const LicenseUpdateSchema = Type.Object(
  Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, Type.Optional(s)])) as {
    [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>>;
  },
  { additionalProperties: false },
);

const Ref = { line: Type.Integer(), product: Type.String(), orderNumber: Nullable(Type.String()) };
const LicenseImportOutcomeSchema = Type.Object({
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Array(Type.Object(Ref)),
  updated: Type.Array(
    Type.Object({
      ...Ref,
      changes: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
    }),
  ),
  unchanged: Type.Array(Type.Object(Ref)),
  ignoredColumns: Type.Array(Type.String()),
});

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const licensesRoutes: FastifyPluginAsync<LicenseRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  acceptCsv(fastify, opts.csvBodyLimit);

  listRoute(fastify, {
    spec: createLicenseList(app.db),
    item: LicenseSchema,
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
      const license = app.licensesRepository.create(request.body as LicenseInput, { actor: requestActor(request) });
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
        response: { 200: Type.String({ description: 'CSV, UTF-8, CRLF line ends.' }) },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="licenses.csv"')
        .send(exportLicensesCsv(app.licensesRepository)),
  );

  app.post(
    '/import',
    {
      bodyLimit: opts.csvBodyLimit,
      onRequest: requireCsvBody,
      schema: {
        summary: 'Import license entitlements from CSV (all or nothing; ?dryRun=true to preview)',
        tags: ['licenses'],
        consumes: ['text/csv'],
        querystring: DryRunQuery,
        body: Type.String(),
        response: { 200: LicenseImportOutcomeSchema, 400: ProblemSchema, 413: ProblemSchema, 415: ProblemSchema },
      },
    },
    async (request) =>
      importLicensesCsv(app.licensesRepository, request.body, {
        dryRun: request.query.dryRun,
        actor: requestActor(request),
        context: 'csv import (api)',
      }),
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One license entitlement',
        tags: ['licenses'],
        params: IdParams,
        response: { 200: LicenseSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const license = app.licensesRepository.get(request.params.id);
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
        params: IdParams,
        body: LicenseUpdateSchema,
        response: { 200: LicenseSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) =>
      app.licensesRepository.update(request.params.id, request.body as LicenseInput, { actor: requestActor(request) }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Remove a license entitlement (the audit log keeps it)',
        tags: ['licenses'],
        params: IdParams,
        response: { 204: Type.Null(), 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      app.licensesRepository.delete(request.params.id, { actor: requestActor(request) });
      return reply.code(204).send(null);
    },
  );
};

export default licensesRoutes;
