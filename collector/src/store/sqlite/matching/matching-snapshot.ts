import { asc } from 'drizzle-orm';
import { indexMatchingFacts, type MatchingSnapshot } from '../../common/matching-index.ts';
import type { Db } from '../open-database.ts';
import { assetMacs, assets, deviceAssetLinks, deviceMacs, devices } from '../schema/index.ts';
import { ASSET_FACT_COLUMNS, DEVICE_FACT_COLUMNS } from './fact-columns.ts';

export type { MatchingReads, MatchingSnapshot } from '../../common/matching-index.ts';

/**
 * Devices, their links and the register's identifiers, read in a handful of queries, for a
 * matching pass over every device: the per-device SQL lookups cost about 15 statements per
 * device. Read inside the pass's write transaction (see indexMatchingFacts).
 */
export function loadMatchingSnapshot(db: Db): MatchingSnapshot {
  return indexMatchingFacts({
    devices: db.select(DEVICE_FACT_COLUMNS).from(devices).orderBy(asc(devices.key)).all(),
    deviceMacs: db
      .select({ deviceKey: deviceMacs.deviceKey, mac: deviceMacs.mac })
      .from(deviceMacs)
      .orderBy(deviceMacs.deviceKey, deviceMacs.mac)
      .all(),
    links: db
      .select({
        deviceKey: deviceAssetLinks.deviceKey,
        assetId: deviceAssetLinks.assetId,
        method: deviceAssetLinks.method,
        linkedAt: deviceAssetLinks.linkedAt,
        linkedBy: deviceAssetLinks.linkedBy,
      })
      .from(deviceAssetLinks)
      .all(),
    assets: db.select(ASSET_FACT_COLUMNS).from(assets).all(),
    assetMacs: db
      .select({ assetId: assetMacs.assetId, mac: assetMacs.mac })
      .from(assetMacs)
      .orderBy(assetMacs.assetId, assetMacs.mac)
      .all(),
  });
}
