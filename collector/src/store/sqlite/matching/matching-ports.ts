import { eq } from 'drizzle-orm';
import { NotFoundError } from '../../../domain/errors.ts';
import type { DeviceLinks, IdentityConflicts } from '../../../domain/matching/ports.ts';
import type { DevicesRepository } from '../devices/devices-repository.ts';
import type { Db } from '../open-database.ts';
import { assets } from '../schema/index.ts';
import type { Conflicts } from './conflicts.ts';
import type { Matcher } from './matcher.ts';

/** The DeviceLinks port over the matcher: devices named by id, a missing one a NotFoundError. */
export function createDeviceLinks(db: Db, devicesRepository: DevicesRepository, matcher: Matcher): DeviceLinks {
  const deviceKey = (id: string): number => {
    const key = devicesRepository.keyOf(id);
    if (key === undefined) throw new NotFoundError(`No device ${id}`);
    return key;
  };
  const assetExists = (id: string) =>
    db.select({ id: assets.id }).from(assets).where(eq(assets.id, id)).get() !== undefined;

  return {
    async linkOf(deviceId) {
      const key = devicesRepository.keyOf(deviceId);
      return key === undefined ? undefined : matcher.linkOf(key);
    },
    async linkManually(deviceId, assetId, actor) {
      const key = deviceKey(deviceId);
      if (!assetExists(assetId)) throw new NotFoundError(`No asset ${assetId}`);
      return matcher.linkManually(key, assetId, actor);
    },
    rematchAll: async () => matcher.matchAll(),
    async unlinkManually(deviceId, actor, options = {}) {
      matcher.unlinkManually(deviceKey(deviceId), actor, options);
    },
  };
}

/** The IdentityConflicts port over SQLite. */
export function createIdentityConflicts(devicesRepository: DevicesRepository, conflicts: Conflicts): IdentityConflicts {
  return {
    async ofDevice(deviceId) {
      const key = devicesRepository.keyOf(deviceId);
      return key === undefined ? [] : conflicts.forDevice(key);
    },
    ofAsset: async (assetId) => conflicts.forAsset(assetId),
    all: async () => conflicts.all(),
  };
}
