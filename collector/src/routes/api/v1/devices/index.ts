import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, SoftwareItemSchema } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { decodeCursor } from '../../../../plugins/app/devices/devices-repository.ts';
import { HttpProblem } from '../../../../plugins/app/problems/problem.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const DeviceSummarySchema = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  hardwareSerial: Nullable(Type.String()),
  vendor: Nullable(Type.String()),
  model: Nullable(Type.String()),
  osFamily: Nullable(Type.String()),
  osName: Nullable(Type.String()),
  osVersion: Nullable(Type.String()),
  cpuModel: Nullable(Type.String()),
  cpuCores: Nullable(Type.Integer()),
  memoryBytes: Nullable(Type.Integer()),
  softwareCount: Type.Integer(),
  pendingUpdates: Nullable(Type.Integer()),
  pendingSecurityUpdates: Nullable(Type.Integer()),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

const SectionStateSchema = Type.Object({
  status: Type.String(),
  reason: Type.Optional(Type.String()),
  collectedAt: Type.String(),
  hash: Type.Optional(Type.String()),
});

const DeviceDetailSchema = Type.Object({
  ...DeviceSummarySchema.properties,
  hardwareUuid: Nullable(Type.String()),
  macs: Type.Array(Type.String()),
  chassisType: Nullable(Type.String()),
  osBuild: Nullable(Type.String()),
  kernel: Nullable(Type.String()),
  arch: Nullable(Type.String()),
  cpuThreads: Nullable(Type.Integer()),
  agentVersion: Nullable(Type.String()),
  lastSnapshotId: Nullable(Type.String()),
  lastCollectedAt: Nullable(Type.String()),
  sections: Type.Record(Type.String(), SectionStateSchema),
  hardware: Type.Unknown(),
  os: Type.Unknown(),
  patches: Type.Unknown(),
  users: Type.Unknown(),
  software: Type.Array(SoftwareItemSchema),
});

const devicesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'List devices, ordered by hostname',
        tags: ['devices'],
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(DeviceSummarySchema), nextCursor: Nullable(Type.String()) }),
          400: ProblemSchema,
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      if (cursor !== undefined && !decodeCursor(cursor)) {
        throw HttpProblem.validation('Cursor is not one this collector issued', [
          { path: '/cursor', message: 'is not a valid cursor' },
        ]);
      }
      return app.devicesRepository.list({ limit, ...(cursor ? { cursor } : {}) });
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One device with its hardware, OS, patch state, users and software',
        tags: ['devices'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: DeviceDetailSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const device = app.devicesRepository.get(request.params.id);
      if (!device) throw HttpProblem.notFound(`No device ${request.params.id}`);
      const { sectionStatus, ...rest } = device;
      return { ...rest, sections: sectionStatus, software: app.devicesRepository.software(device.id) };
    },
  );
};

export default devicesRoutes;
