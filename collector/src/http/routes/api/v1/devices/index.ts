import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  CHANGE_LIST,
  DEVICE_LIST,
  DeviceChangePageSchema,
  DeviceDetailSchema,
  DeviceLinkRequestSchema,
  DeviceLinkSchema,
  DevicePageSchema,
  DeviceUnlinkQuerySchema,
  IdParamsSchema,
  NoContentSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';
import { listRoute } from '../list-route.ts';
import { createRelated } from '../related.ts';
import deviceAdminRoutes from './admin.ts';
import adoptRoutes from './adopt.ts';
import refreshRoutes from './refresh.ts';
import deviceUsageRoutes from './usage.ts';

/** Changes a device's detail view carries. */
const RECENT_CHANGES = 20;

const devicesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const related = createRelated(fastify);
  listRoute(fastify, {
    list: DEVICE_LIST,
    lister: app.lists.devices,
    page: DevicePageSchema,
    summary: 'List devices: filter, search (q), sort, page, or export as CSV',
    description:
      'q matches host name, serial, asset tag, user, IP address or MAC. notSeenDays=N lists devices silent for N days or more; osVersion=22.04* those on an OS version.',
    tags: ['devices'],
  });

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
      const device = await app.inventory.device(request.params.id);
      if (!device) throw HttpProblem.notFound(`No device ${request.params.id}`);
      const [software, components, link, changes, conflicts] = await Promise.all([
        app.inventory.software(device.id),
        app.inventory.components(device.id),
        app.deviceLinks.linkOf(device.id),
        app.inventory.recentChanges(device.id, RECENT_CHANGES),
        app.identityConflicts.ofDevice(device.id),
      ]);
      const asset = link?.assetId ? await app.registerService.get(link.assetId) : undefined;
      return {
        ...device,
        software,
        components,
        link: link ?? null,
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
        changes,
        findings: await related.openFindings({ deviceId: device.id }),
        conflicts,
        ...(await app.presence.of(device.agentId)),
      };
    },
  );

  listRoute(fastify, {
    url: '/:id/changes',
    list: CHANGE_LIST,
    lister: app.lists.deviceChanges,
    page: DeviceChangePageSchema,
    params: IdParamsSchema,
    summary: 'What changed on a device, newest first: software, hardware components, OS, addresses, name, user',
    tags: ['devices'],
    own: (_query, params) => ({ deviceId: params.id ?? '' }),
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
    async (request) => app.deviceLinks.linkManually(request.params.id, request.body.assetId, requestActor(request)),
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
      await app.deviceLinks.unlinkManually(request.params.id, requestActor(request), {
        rediscover: request.query.rediscover,
      });
      return reply.code(204).send(null);
    },
  );

  // The folder's other route files, under the same prefix.
  await fastify.register(refreshRoutes);
  await fastify.register(adoptRoutes);
  await fastify.register(deviceAdminRoutes);
  await fastify.register(deviceUsageRoutes);
};

export default devicesRoutes;
