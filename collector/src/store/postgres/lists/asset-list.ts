import { ASSET_LIST } from '@stocktake/shared/api';
import { type SQL, sql } from 'drizzle-orm';
import type { Asset } from '../../../domain/register/asset-model.ts';
import { containsPattern, globToLike, macSearchText } from '../../common/list-paging.ts';
import { assetsFrom } from '../assets/assets-repository.ts';
import type { Db } from '../connection.ts';
import { assetMacs, assets, deviceAssetLinks, devices } from '../schema/index.ts';
import { deviceIpLike } from './device-list.ts';
import { dateBeforeFilter, equalFilter, like, likeAny, textFilter } from './filters.ts';
import type { ListSpec } from './list-query.ts';

type AssetRow = typeof assets.$inferSelect;

/** Devices linked to the asset whose row matches `condition` (over `devices`). */
const linkedDevice = (condition: SQL) =>
  sql`exists (select 1 from ${deviceAssetLinks} join ${devices} on ${devices.key} = ${deviceAssetLinks.deviceKey} where ${deviceAssetLinks.assetId} = ${assets.id} and ${condition})`;

/** The register list: filters, sorts and `q` over tag, name, serial, host name, assignee, MAC and IP. */
export function createAssetList(db: Db): ListSpec<AssetRow, Asset, typeof ASSET_LIST> {
  return {
    list: ASSET_LIST,
    id: { expr: assets.id, type: 'string' },
    sorts: {
      assetTag: { expr: assets.assetTag, type: 'string', notNull: true },
      name: { expr: assets.name, type: 'string' },
      serial: { expr: assets.serial, type: 'string' },
      status: { expr: assets.status, type: 'string', notNull: true },
      hostname: { expr: assets.hostname, type: 'string' },
      manufacturer: { expr: assets.manufacturer, type: 'string' },
      model: { expr: assets.model, type: 'string' },
      category: { expr: assets.category, type: 'string' },
      location: { expr: assets.location, type: 'string' },
      assignee: { expr: assets.assigneeName, type: 'string' },
      purchaseDate: { expr: assets.purchaseDate, type: 'instant' },
      warrantyEnd: { expr: assets.warrantyEnd, type: 'instant' },
      createdAt: { expr: assets.createdAt, type: 'instant', notNull: true },
      updatedAt: { expr: assets.updatedAt, type: 'instant', notNull: true },
    },
    filters: {
      assetTag: textFilter(assets.assetTag),
      status: equalFilter(assets.status),
      serial: textFilter(assets.serial),
      hostname: textFilter(assets.hostname),
      manufacturer: textFilter(assets.manufacturer),
      model: textFilter(assets.model),
      category: textFilter(assets.category),
      location: textFilter(assets.location),
      costCenter: textFilter(assets.costCenter),
      supplier: textFilter(assets.supplier),
      assignee: (value: string) =>
        likeAny([assets.assigneeName, assets.assigneeEmail, assets.assigneeUsername], globToLike(value)),
      warrantyEndBefore: dateBeforeFilter(assets.warrantyEnd),
      linked: (linked: boolean) => {
        const some = sql`exists (select 1 from ${deviceAssetLinks} where ${deviceAssetLinks.assetId} = ${assets.id})`;
        return linked ? some : sql`not ${some}`;
      },
    },
    search: (pattern, text) => {
      const mac = macSearchText(text);
      return sql`(${likeAny(
        [
          assets.assetTag,
          assets.name,
          assets.serial,
          assets.hostname,
          assets.assigneeName,
          assets.assigneeEmail,
          assets.assigneeUsername,
        ],
        pattern,
      )}
          OR exists (select 1 from ${assetMacs} where ${assetMacs.assetId} = ${assets.id} and ${like(assetMacs.mac, mac ? containsPattern(mac) : pattern)})
          OR ${linkedDevice(deviceIpLike(pattern))})`;
    },
    fetch: async ({ where, orderBy, limit, paging }) =>
      (
        await db
          .select({ row: assets, ...paging })
          .from(assets)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit)
      ).map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => assetsFrom(db, rows),
  };
}
