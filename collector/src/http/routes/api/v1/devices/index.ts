import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema, SoftwareItemSchema } from '@stocktake/shared';
import { CHANGE_KINDS, COMPONENT_KINDS, LINK_METHODS } from '@stocktake/shared/api';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { createChangeList } from '../../../../../store/sqlite/devices/change-list.ts';
import { createDeviceList } from '../../../../../store/sqlite/devices/device-list.ts';
import type { DeviceChange } from '../../../../../store/sqlite/devices/devices-repository.ts';
import { runList } from '../../../../../store/sqlite/lists/list-query.ts';
import { deviceChanges } from '../../../../../store/sqlite/schema/index.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../request-actor.ts';
import { ConflictSchema } from '../assets/schemas.ts';
import { FindingSchema } from '../findings/schemas.ts';
import { listRoute } from '../list-route.ts';
import { createRelated } from '../related.ts';
import { Nullable } from '../schema-helpers.ts';
import { DeviceListItemSchema, DeviceSummarySchema } from './schemas.ts';

const SectionStateSchema = Type.Object({
  status: Type.String(),
  reason: Type.Optional(Type.String()),
  collectedAt: Type.String(),
  hash: Type.Optional(Type.String()),
});

const LinkSchema = Type.Object({
  assetId: Nullable(Type.String({ description: 'Null for a manual unlink that keeps discovery away.' })),
  method: Type.Enum(LINK_METHODS),
  linkedAt: Type.String(),
  linkedBy: Type.String(),
});

const ChangeSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(CHANGE_KINDS),
  subject: Type.String({ description: 'What changed: a package name, a component, "hostname", ...' }),
  before: Type.Unknown({ description: 'The old value (a version, a component, addresses); absent for additions.' }),
  after: Type.Unknown({ description: 'The new value; absent for removals.' }),
  observedAt: Type.String({ description: 'When the agent collected the snapshot that showed the change.' }),
  recordedAt: Type.String(),
  snapshotId: Type.String(),
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
  primaryUser: Nullable(Type.String()),
  software: Type.Array(SoftwareItemSchema),
  components: Type.Array(
    Type.Object({
      kind: Type.Enum(COMPONENT_KINDS),
      key: Type.String({ description: 'Serial when the part has one, else slot or name, else make and model.' }),
      label: Nullable(Type.String()),
      serial: Nullable(Type.String()),
      vendor: Nullable(Type.String()),
      model: Nullable(Type.String()),
      sizeBytes: Nullable(Type.Integer()),
      firstSeenAt: Type.String(),
    }),
  ),
  link: Nullable(LinkSchema),
  conflicts: Type.Array(ConflictSchema),
  asset: Nullable(
    Type.Object(
      {
        id: Type.String(),
        assetTag: Type.String(),
        name: Nullable(Type.String()),
        status: Type.String(),
        assigneeName: Nullable(Type.String()),
        location: Nullable(Type.String()),
      },
      { description: 'The register asset the device is linked to.' },
    ),
  ),
  changes: Type.Array(ChangeSchema, {
    description: 'The latest changes, newest first (at most 20; /changes has the history).',
  }),
  findings: Type.Array(FindingSchema, { description: 'Unresolved findings that involve the device (at most 100).' }),
  online: Type.Boolean({ description: "The device's agent holds its live channel open now." }),
  lastHeartbeatAt: Nullable(Type.String({ description: 'Last live-channel heartbeat since the collector started.' })),
});

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Changes a device's detail view carries. */
const RECENT_CHANGES = 20;

const devicesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const related = createRelated(fastify);
  const changes = createChangeList(app.db);

  listRoute(fastify, {
    spec: createDeviceList(app.db),
    item: DeviceListItemSchema,
    summary: 'List devices: filter, search (q), sort, page, or export as CSV',
    description:
      'q matches host name, serial, asset tag, user, IP address or MAC. notSeenDays=N lists devices silent for N days or more; osVersion=22.04* those on an OS version.',
    tags: ['devices'],
  });

  /** The internal key of a device, or a 404 problem. */
  const deviceKey = (id: string): number => {
    const key = app.devicesRepository.keyOf(id);
    if (key === undefined) throw HttpProblem.notFound(`No device ${id}`);
    return key;
  };

  app.get(
    '/:id',
    {
      schema: {
        summary:
          'Everything about one device: hardware, components, OS, patch state, users, software, register link and asset, recent changes, open findings',
        tags: ['devices'],
        params: IdParams,
        response: { 200: DeviceDetailSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const device = app.devicesRepository.get(request.params.id);
      if (!device) throw HttpProblem.notFound(`No device ${request.params.id}`);
      const { sectionStatus, key, ...rest } = device;
      const link = app.matcher.linkOf(key) ?? null;
      const asset = link?.assetId ? app.assetsRepository.get(link.assetId) : undefined;
      return {
        ...rest,
        sections: sectionStatus,
        software: app.devicesRepository.software(key),
        components: app.devicesRepository.components(key),
        link,
        asset: asset
          ? {
              id: asset.id,
              assetTag: asset.assetTag,
              name: asset.name,
              status: asset.status,
              assigneeName: asset.assigneeName,
              location: asset.location,
            }
          : null,
        changes: runList(changes, {
          limit: RECENT_CHANGES,
          sort: '-id',
          filters: {},
          base: [eq(deviceChanges.deviceKey, key)],
        }).items,
        findings: related.openFindings({ deviceId: device.id }),
        conflicts: app.conflicts.forDevice(key),
        ...app.presence.of(device.agentId),
      };
    },
  );

  listRoute<Parameters<typeof changes.toItems>[0][number], DeviceChange, Record<string, never>>(fastify, {
    url: '/:id/changes',
    spec: changes,
    item: ChangeSchema,
    params: IdParams,
    summary: 'What changed on a device, newest first: software, hardware components, OS, addresses, name, user',
    tags: ['devices'],
    base: (_query, params) => [eq(deviceChanges.deviceKey, deviceKey(params.id ?? ''))],
  });

  app.post(
    '/:id/link',
    {
      schema: {
        summary: 'Link a device to a register asset by hand; discovery will not change it',
        tags: ['devices'],
        params: IdParams,
        body: Type.Object({ assetId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: LinkSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const key = deviceKey(request.params.id);
      if (!app.assetsRepository.get(request.body.assetId))
        throw HttpProblem.notFound(`No asset ${request.body.assetId}`);
      return app.matcher.linkManually(key, request.body.assetId, requestActor(request));
    },
  );

  app.delete(
    '/:id/link',
    {
      schema: {
        summary:
          'Unlink a device by hand; it stays unlinked until linked by hand (?rediscover=true hands it back to discovery)',
        tags: ['devices'],
        params: IdParams,
        querystring: Type.Object({ rediscover: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const key = deviceKey(request.params.id);
      app.matcher.unlinkManually(key, requestActor(request), { rediscover: request.query.rediscover });
      return reply.code(204).send(null);
    },
  );
};

export default devicesRoutes;
