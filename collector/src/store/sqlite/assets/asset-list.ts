import { ASSET_LIST } from '@stocktake/shared/api';
import { asc, inArray, type SQL, sql } from 'drizzle-orm';
import type { Asset } from '../../../domain/register/asset-model.ts';
import { containsPattern, globToLike, macSearchText } from '../../common/list-paging.ts';
import { deviceIpLike } from '../devices/device-list.ts';
import { dateBeforeFilter, equalFilter, likeAny, textFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { assetMacs, assets, deviceAssetLinks, devices } from '../schema/index.ts';
import { assetFromRow } from './asset-rows.ts';

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
      assetTag: { expr: assets.assetTag, type: 'string' },
      name: { expr: assets.name, type: 'string' },
      serial: { expr: assets.serial, type: 'string' },
      status: { expr: assets.status, type: 'string' },
      hostname: { expr: assets.hostname, type: 'string' },
      manufacturer: { expr: assets.manufacturer, type: 'string' },
      model: { expr: assets.model, type: 'string' },
      category: { expr: assets.category, type: 'string' },
      location: { expr: assets.location, type: 'string' },
      assignee: { expr: assets.assigneeName, type: 'string' },
      purchaseDate: { expr: assets.purchaseDate, type: 'string' },
      warrantyEnd: { expr: assets.warrantyEnd, type: 'string' },
      createdAt: { expr: assets.createdAt, type: 'string' },
      updatedAt: { expr: assets.updatedAt, type: 'string' },
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
      assignee: (value: string) => {
        const pattern = globToLike(value);
        return sql`(${assets.assigneeName} LIKE ${pattern} ESCAPE '\\' OR ${assets.assigneeEmail} LIKE ${pattern} ESCAPE '\\' OR ${assets.assigneeUsername} LIKE ${pattern} ESCAPE '\\')`;
      },
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
          OR exists (select 1 from ${assetMacs} where ${assetMacs.assetId} = ${assets.id} and ${assetMacs.mac} like ${mac ? containsPattern(mac) : pattern} escape '\\')
          OR ${linkedDevice(deviceIpLike(pattern))})`;
    },
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ row: assets, ...paging })
        .from(assets)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all()
        .map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => {
      const macs = new Map<string, string[]>();
      if (rows.length > 0) {
        for (const m of db
          .select()
          .from(assetMacs)
          .where(
            inArray(
              assetMacs.assetId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(asc(assetMacs.mac))
          .all()) {
          macs.set(m.assetId, [...(macs.get(m.assetId) ?? []), m.mac]);
        }
      }
      return rows.map((r) => assetFromRow(r, macs.get(r.id) ?? []));
    },
  };
}
