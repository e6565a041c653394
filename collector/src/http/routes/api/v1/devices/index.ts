import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  DeviceChangePageSchema,
  DeviceDetailSchema,
  DeviceLinkRequestSchema,
  DeviceLinkSchema,
  DevicePageSchema,
  DeviceUnlinkQuerySchema,
  IdParamsSchema,
  NoContentSchema,
} from '@stocktake/shared/api';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { createChangeList } from '../../../../../store/sqlite/devices/change-list.ts';
import { createDeviceList } from '../../../../../store/sqlite/devices/device-list.ts';
import type { DeviceChange } from '../../../../../store/sqlite/devices/devices-repository.ts';
import { runList } from '../../../../../store/sqlite/lists/list-query.ts';
import { deviceChanges } from '../../../../../store/sqlite/schema/index.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';
import { listRoute } from '../list-route.ts';
import { createRelated } from '../related.ts';
import refreshRoutes from './refresh.ts';

/** Changes a device's detail view carries. */
const RECENT_CHANGES = 20;

const devicesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const related = createRelated(fastify);
  const changes = createChangeList(app.db);

  listRoute(fastify, {
    spec: createDeviceList(app.db),
    page: DevicePageSchema,
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
        params: IdParamsSchema,
        response: { 200: DeviceDetailSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const device = app.devicesRepository.get(request.params.id);
      if (!device) throw HttpProblem.notFound(`No device ${request.params.id}`);
      const { sectionStatus, key, ...rest } = device;
      const link = app.matcher.linkOf(key) ?? null;
      const asset = link?.assetId ? await app.registerService.get(link.assetId) : undefined;
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
    page: DeviceChangePageSchema,
    params: IdParamsSchema,
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
        params: IdParamsSchema,
        body: DeviceLinkRequestSchema,
        response: { 200: DeviceLinkSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const key = deviceKey(request.params.id);
      if (!(await app.registerService.get(request.body.assetId)))
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
        params: IdParamsSchema,
        querystring: DeviceUnlinkQuerySchema,
        response: { 204: NoContentSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const key = deviceKey(request.params.id);
      app.matcher.unlinkManually(key, requestActor(request), { rediscover: request.query.rediscover });
      return reply.code(204).send(null);
    },
  );

  // The folder's other route files, under the same prefix.
  await fastify.register(refreshRoutes);
};

export default devicesRoutes;
