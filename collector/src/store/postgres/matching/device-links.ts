import { eq } from 'drizzle-orm';
import { NotFoundError } from '../../../domain/errors.ts';
import type { DeviceLinks } from '../../../domain/matching/ports.ts';
import type { Db, Executor } from '../connection.ts';
import { assets, devices } from '../schema/index.ts';
import type { Matcher } from './matcher.ts';

/** The internal key of a device, by its id. */
export async function deviceKeyOf(db: Executor, id: string): Promise<number | undefined> {
  const [row] = await db.select({ key: devices.key }).from(devices).where(eq(devices.id, id));
  return row?.key;
}

/** The DeviceLinks port over the matcher: devices named by id, a missing one a NotFoundError. */
export function createDeviceLinks(db: Db, matcher: Matcher): DeviceLinks {
  const deviceKey = async (tx: Executor, id: string): Promise<number> => {
    const key = await deviceKeyOf(tx, id);
    if (key === undefined) throw new NotFoundError(`No device ${id}`);
    return key;
  };

  return {
    async linkOf(deviceId) {
      const key = await deviceKeyOf(db, deviceId);
      return key === undefined ? undefined : matcher.linkOf(db, key);
    },
    linkManually: (deviceId, assetId, actor) =>
      db.transaction(async (tx) => {
        const key = await deviceKey(tx, deviceId);
        // The asset is locked too, so it cannot be removed under the link.
        const [asset] = await tx.select({ id: assets.id }).from(assets).where(eq(assets.id, assetId)).for('share');
        if (!asset) throw new NotFoundError(`No asset ${assetId}`);
        return matcher.linkManually(tx, key, assetId, actor, new Date());
      }),
    rematchAll: () => db.transaction((tx) => matcher.matchAll(tx, new Date())),
    unlinkManually: (deviceId, actor, options = {}) =>
      db.transaction(async (tx) =>
        matcher.unlinkManually(tx, await deviceKey(tx, deviceId), actor, options, new Date()),
      ),
  };
}
