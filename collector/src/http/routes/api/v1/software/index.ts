import { CataloguePageSchema, type WhoHasItem, WhoHasPageSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { compareVersions } from '../../../../../domain/licenses/versions.ts';
import { createDeviceList, type DeviceListItem } from '../../../../../store/sqlite/devices/device-list.ts';
import {
  createSoftwareList,
  type SoftwareMatch,
  softwareMatchSchemas,
} from '../../../../../store/sqlite/software/software-list.ts';
import { registerVersionCompare } from '../../../../../store/sqlite/software/version-sql.ts';
import {
  hasAnyOf,
  type InstalledMatch,
  installedOf,
  resolveSoftwareSet,
  type SoftwareSet,
} from '../../../../../store/sqlite/software/who-has.ts';
import { listRoute } from '../list-route.ts';

/** `/api/v1/software`: the catalogue with install counts, and which devices have what. */
const softwareRoutes: FastifyPluginAsync = async (app) => {
  listRoute(app, {
    spec: createSoftwareList(app.db, app.sqlite),
    page: CataloguePageSchema,
    summary:
      'The software catalogue: each package version with its install count; filter by name, publisher, source, version',
    description:
      'name=openssl lists every installed openssl version and how many devices have it. Versions compare as package managers order them: versionLt=3.0.13 includes 3.0.9.',
    tags: ['software'],
  });

  const devices = createDeviceList(app.db);
  registerVersionCompare(app.sqlite);
  // A request's query parameters reach base and decorate as the same object: the software it
  // names is matched once, for the page and for the software shown on it (and for every page
  // of a CSV export).
  const resolved = new WeakMap<SoftwareMatch, SoftwareSet>();
  const softwareOf = (match: SoftwareMatch): SoftwareSet => {
    let set = resolved.get(match);
    if (!set) {
      set = resolveSoftwareSet(app.db, match);
      resolved.set(match, set);
    }
    return set;
  };
  listRoute<DeviceListItem, DeviceListItem, SoftwareMatch, WhoHasItem>(app, {
    url: '/who-has',
    spec: devices,
    page: WhoHasPageSchema,
    summary: 'Devices that have some software (and which versions): name, optionally a version or range',
    description:
      'who-has?name=openssl&versionLt=3.0.13 (or version=<3.0.13, or a range such as `>=3.0 <3.0.13`) lists the devices with an openssl older than 3.0.13, with the versions they have. The device list filters (osName, notSeenDays, q, ...) apply too.',
    tags: ['software'],
    extraQuery: {
      name: softwareMatchSchemas.name,
      publisher: Type.Optional(softwareMatchSchemas.publisher),
      source: Type.Optional(softwareMatchSchemas.source),
      version: Type.Optional(softwareMatchSchemas.version),
      versionLt: Type.Optional(softwareMatchSchemas.versionLt),
      versionLte: Type.Optional(softwareMatchSchemas.versionLte),
      versionGt: Type.Optional(softwareMatchSchemas.versionGt),
      versionGte: Type.Optional(softwareMatchSchemas.versionGte),
    },
    base: (match) => [hasAnyOf(softwareOf(match))],
    decorate: (items, match) => {
      const found = installedOf(
        app.db,
        items.map((d) => d.id),
        softwareOf(match),
      );
      return items.map((d) => {
        const software = found.get(d.id) ?? [];
        return { ...d, software, versions: distinctVersions(software) };
      });
    },
  });
};

function distinctVersions(software: InstalledMatch[]): string[] {
  return [...new Set(software.map((s) => s.version))].sort(compareVersions);
}

export default softwareRoutes;
