import { and, eq, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { IdentityConflict } from '../../../domain/matching/ports.ts';
import type { Db } from '../open-database.ts';
import { agents, assets, deviceMacs, devices } from '../schema/index.ts';

const claimed = alias(devices, 'claimed');
const claimant = alias(devices, 'claimant');

export type { IdentityConflict } from '../../../domain/matching/ports.ts';

export function createConflicts(db: Db) {
  const devicesWithSerial = (key: string) =>
    db
      .select({ id: devices.id })
      .from(devices)
      .where(eq(devices.serialKey, key))
      .orderBy(devices.id)
      .all()
      .map((r) => r.id);
  const devicesWithUuid = (key: string) =>
    db
      .select({ id: devices.id })
      .from(devices)
      .where(eq(devices.uuidKey, key))
      .orderBy(devices.id)
      .all()
      .map((r) => r.id);
  const devicesWithMac = (mac: string) =>
    db
      .select({ id: devices.id })
      .from(deviceMacs)
      .innerJoin(devices, eq(devices.key, deviceMacs.deviceKey))
      .where(eq(deviceMacs.mac, mac))
      .orderBy(devices.id)
      .all()
      .map((r) => r.id);
  const assetsWithSerial = (key: string) =>
    db
      .select({ id: assets.id })
      .from(assets)
      .where(eq(assets.serialKey, key))
      .orderBy(assets.id)
      .all()
      .map((r) => r.id);

  /**
   * Open claims: an agent reporting the hardware of a device another agent follows, waiting on a
   * device of its own. The claimed device comes first, then the claimant's.
   */
  const claims = (where?: SQL): IdentityConflict[] =>
    db
      .select({
        serialKey: claimed.serialKey,
        claimedId: claimed.id,
        claimantId: claimant.id,
        kind: agents.claimKind,
      })
      .from(agents)
      .innerJoin(claimed, eq(claimed.id, agents.claimedDeviceId))
      .innerJoin(claimant, eq(claimant.id, agents.deviceId))
      .where(and(isNull(agents.revokedAt), isNotNull(agents.claimedDeviceId), ne(claimed.id, claimant.id), where))
      .orderBy(claimed.id, claimant.id)
      .all()
      .map((c) => ({
        kind: c.kind ?? 'claimed_identity',
        value: c.serialKey ?? c.claimedId,
        deviceIds: [c.claimedId, c.claimantId],
        assetIds: c.serialKey ? assetsWithSerial(c.serialKey) : [],
      }));

  return {
    forDevice(deviceKey: number): IdentityConflict[] {
      const device = db
        .select({ serialKey: devices.serialKey, uuidKey: devices.uuidKey })
        .from(devices)
        .where(eq(devices.key, deviceKey))
        .get();
      if (!device) return [];
      const out: IdentityConflict[] = [];
      if (device.serialKey) {
        const ids = devicesWithSerial(device.serialKey);
        if (ids.length > 1) {
          out.push({
            kind: 'duplicate_serial',
            value: device.serialKey,
            deviceIds: ids,
            assetIds: assetsWithSerial(device.serialKey),
          });
        }
      }
      if (device.uuidKey) {
        const ids = devicesWithUuid(device.uuidKey);
        if (ids.length > 1) out.push({ kind: 'shared_uuid', value: device.uuidKey, deviceIds: ids, assetIds: [] });
      }
      const shared = db
        .select({ mac: deviceMacs.mac })
        .from(deviceMacs)
        .where(
          and(
            eq(deviceMacs.deviceKey, deviceKey),
            sql`exists (select 1 from ${deviceMacs} other where other.mac = ${deviceMacs.mac} and other.device_key != ${deviceKey})`,
          ),
        )
        .all();
      for (const { mac } of shared)
        out.push({ kind: 'shared_mac', value: mac, deviceIds: devicesWithMac(mac), assetIds: [] });
      out.push(...claims(or(eq(claimed.key, deviceKey), eq(claimant.key, deviceKey))));
      return out;
    },

    forAsset(assetId: string): IdentityConflict[] {
      const asset = db.select({ serialKey: assets.serialKey }).from(assets).where(eq(assets.id, assetId)).get();
      if (!asset?.serialKey) return [];
      const out: IdentityConflict[] = [];
      const others = db
        .select({ id: assets.id })
        .from(assets)
        .where(and(eq(assets.serialKey, asset.serialKey), ne(assets.id, assetId)))
        .all();
      const deviceIds = devicesWithSerial(asset.serialKey);
      if (others.length > 0) {
        out.push({
          kind: 'duplicate_asset_serial',
          value: asset.serialKey,
          deviceIds,
          assetIds: assetsWithSerial(asset.serialKey),
        });
      }
      if (deviceIds.length > 1) {
        out.push({
          kind: 'duplicate_serial',
          value: asset.serialKey,
          deviceIds,
          assetIds: assetsWithSerial(asset.serialKey),
        });
      }
      return out;
    },

    /** Every conflict in the fleet and the register, for reconciliation. */
    all(): IdentityConflict[] {
      const out: IdentityConflict[] = [];
      const dupSerials = db
        .select({ value: devices.serialKey })
        .from(devices)
        .where(sql`${devices.serialKey} is not null`)
        .groupBy(devices.serialKey)
        .having(sql`count(*) > 1`)
        .all();
      for (const { value } of dupSerials) {
        if (value)
          out.push({
            kind: 'duplicate_serial',
            value,
            deviceIds: devicesWithSerial(value),
            assetIds: assetsWithSerial(value),
          });
      }
      const sharedUuids = db
        .select({ value: devices.uuidKey })
        .from(devices)
        .where(sql`${devices.uuidKey} is not null`)
        .groupBy(devices.uuidKey)
        .having(sql`count(*) > 1`)
        .all();
      for (const { value } of sharedUuids) {
        if (value) out.push({ kind: 'shared_uuid', value, deviceIds: devicesWithUuid(value), assetIds: [] });
      }
      const sharedMacs = db
        .select({ value: deviceMacs.mac })
        .from(deviceMacs)
        .groupBy(deviceMacs.mac)
        .having(sql`count(*) > 1`)
        .all();
      for (const { value } of sharedMacs)
        out.push({ kind: 'shared_mac', value, deviceIds: devicesWithMac(value), assetIds: [] });
      const dupAssets = db
        .select({ value: assets.serialKey })
        .from(assets)
        .where(sql`${assets.serialKey} is not null`)
        .groupBy(assets.serialKey)
        .having(sql`count(*) > 1`)
        .all();
      for (const { value } of dupAssets) {
        if (value) {
          out.push({
            kind: 'duplicate_asset_serial',
            value,
            deviceIds: devicesWithSerial(value),
            assetIds: assetsWithSerial(value),
          });
        }
      }
      out.push(...claims());
      return out;
    },
  };
}

export type Conflicts = ReturnType<typeof createConflicts>;
