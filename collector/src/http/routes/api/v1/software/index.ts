import {
  CataloguePageSchema,
  DEVICE_LIST,
  SOFTWARE_LIST,
  type SoftwareMatch,
  type UsageClass,
  WHO_HAS_SOFTWARE,
  WhoHasPageSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { catalogueWithUsage, whoHasWithUsage } from '../../../../../domain/usage/who-has-usage.ts';
import { listRoute } from '../list-route.ts';

/** `/api/v1/software`: the catalogue with install counts, and which devices have what. */
const softwareRoutes: FastifyPluginAsync = async (app) => {
  const policy = async () => (await app.reconciliation.policies.current()).policy;
  listRoute(app, {
    list: SOFTWARE_LIST,
    lister: catalogueWithUsage(app.lists.software, app.stores.usage, policy),
    page: CataloguePageSchema,
    summary:
      'The software catalogue: each package version with its install count and their use; filter by name, publisher, source, version',
    description:
      'name=openssl lists every installed openssl version and how many devices have it, and of those installs how many are used, rarely used, unused or of unknown use by the policy’s usage thresholds today. Versions compare as package managers order them: versionLt=3.0.13 includes 3.0.9.',
    tags: ['software'],
  });

  listRoute(app, {
    url: '/who-has',
    list: DEVICE_LIST,
    lister: whoHasWithUsage(app.lists.whoHas, app.stores.usage, policy),
    page: WhoHasPageSchema,
    summary: 'Devices that have some software (and which versions): name, optionally a version or range',
    description:
      'who-has?name=openssl&versionLt=3.0.13 (or version=<3.0.13, or a range such as `>=3.0 <3.0.13`) lists the devices with an openssl older than 3.0.13, with the versions they have and the last use and class of each install (used, rarely_used, unused, unknown). usage=unused keeps the devices with an unused matching install, showing only those installs. The device list filters (osName, notSeenDays, q, ...) apply too.',
    tags: ['software'],
    extraQuery: WHO_HAS_SOFTWARE,
    // The query string's software parameters and usage class, validated by WHO_HAS_SOFTWARE (name is required).
    own: ({ usage, ...software }) => ({
      software: software as SoftwareMatch & { name: string },
      ...(usage !== undefined ? { usage: usage as UsageClass } : {}),
    }),
  });
};

export default softwareRoutes;
