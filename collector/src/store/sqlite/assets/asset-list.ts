import { ASSET_STATUSES } from '@stocktake/shared/api';
import { asc, inArray, type SQL, sql } from 'drizzle-orm';
import Type from 'typebox';
import type { Asset } from '../../../domain/register/asset-model.ts';
import { deviceIpLike, macSearchText } from '../devices/device-list.ts';
import {
  booleanFilter,
  customFilter,
  dateBeforeFilter,
  enumFilter,
  globToLike,
  likeAny,
  textFilter,
} from '../lists/filters.ts';
import { containsPattern, type ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { assetMacs, assets, deviceAssetLinks, devices } from '../schema/index.ts';
import { assetFromRow } from './asset-rows.ts';

type AssetRow = typeof assets.$inferSelect;

/** Devices linked to the asset whose row matches `condition` (over `devices`). */
const linkedDevice = (condition: SQL) =>
  sql`exists (select 1 from ${deviceAssetLinks} join ${devices} on ${devices.key} = ${deviceAssetLinks.deviceKey} where ${deviceAssetLinks.assetId} = ${assets.id} and ${condition})`;

/** The register list: filters, sorts and `q` over tag, name, serial, host name, assignee, MAC and IP. */
export function createAssetList(db: Db): ListSpec<AssetRow, Asset> {
  return {
    name: 'assets',
    defaultSort: 'assetTag',
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
      assetTag: textFilter(assets.assetTag, 'Asset tag.'),
      status: enumFilter(assets.status, ASSET_STATUSES, 'Lifecycle status.'),
      serial: textFilter(assets.serial, 'Serial number.'),
      hostname: textFilter(assets.hostname, 'Host name.'),
      manufacturer: textFilter(assets.manufacturer, 'Manufacturer.'),
      model: textFilter(assets.model, 'Model.'),
      category: textFilter(assets.category, 'Category.'),
      location: textFilter(assets.location, 'Location.'),
      costCenter: textFilter(assets.costCenter, 'Cost centre.'),
      supplier: textFilter(assets.supplier, 'Supplier.'),
      assignee: customFilter(
        Type.String({
          minLength: 1,
          maxLength: 255,
          description: 'Assignee name, e-mail or user name (* and ? wildcards).',
        }),
        (value: string) => {
          const pattern = globToLike(value);
          return sql`(${assets.assigneeName} LIKE ${pattern} ESCAPE '\\' OR ${assets.assigneeEmail} LIKE ${pattern} ESCAPE '\\' OR ${assets.assigneeUsername} LIKE ${pattern} ESCAPE '\\')`;
        },
      ),
      warrantyEndBefore: dateBeforeFilter(assets.warrantyEnd, 'Warranty ends on or before this date (YYYY-MM-DD).'),
      linked: booleanFilter('Linked to a discovered device (true) or not (false).', (linked) => {
        const some = sql`exists (select 1 from ${deviceAssetLinks} where ${deviceAssetLinks.assetId} = ${assets.id})`;
        return linked ? some : sql`not ${some}`;
      }),
    },
    search: {
      description:
        'Asset tag, name, serial, host name, assignee (name, e-mail, user name), MAC, or the IP address of a linked device contains the text.',
      where: (pattern, text) => {
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
