import {
  CataloguePageSchema,
  DEVICE_LIST,
  SOFTWARE_LIST,
  type SoftwareMatch,
  WHO_HAS_SOFTWARE,
  WhoHasPageSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { whoHasWithUsage } from '../../../../../domain/usage/who-has-usage.ts';
import { listRoute } from '../list-route.ts';

/** `/api/v1/software`: the catalogue with install counts, and which devices have what. */
const softwareRoutes: FastifyPluginAsync = async (app) => {
  listRoute(app, {
    list: SOFTWARE_LIST,
    lister: app.lists.software,
    page: CataloguePageSchema,
    summary:
      'The software catalogue: each package version with its install count; filter by name, publisher, source, version',
    description:
      'name=openssl lists every installed openssl version and how many devices have it. Versions compare as package managers order them: versionLt=3.0.13 includes 3.0.9.',
    tags: ['software'],
  });

  listRoute(app, {
    url: '/who-has',
    list: DEVICE_LIST,
    lister: whoHasWithUsage(
      app.lists.whoHas,
      app.stores.usage,
      async () => (await app.reconciliation.policies.current()).policy,
    ),
    page: WhoHasPageSchema,
    summary: 'Devices that have some software (and which versions): name, optionally a version or range',
    description:
      'who-has?name=openssl&versionLt=3.0.13 (or version=<3.0.13, or a range such as `>=3.0 <3.0.13`) lists the devices with an openssl older than 3.0.13, with the versions they have and the last use and class of each install (used, rarely_used, unused, unknown). The device list filters (osName, notSeenDays, q, ...) apply too.',
    tags: ['software'],
    extraQuery: WHO_HAS_SOFTWARE,
    // The query string's software parameters, validated by WHO_HAS_SOFTWARE (name is required).
    own: (software) => ({ software: software as SoftwareMatch & { name: string } }),
  });
};

export default softwareRoutes;
