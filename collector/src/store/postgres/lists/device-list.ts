import { DEVICE_LIST, type DeviceListItem } from '@stocktake/shared/api';
import { eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { containsPattern, macSearchText } from '../../common/list-paging.ts';
import type { Db } from '../connection.ts';
import { assets, deviceAssetLinks, devices } from '../schema/index.ts';
import {
  equalFilter,
  like,
  likeAny,
  minimumFilter,
  olderThanDaysFilter,
  textFilter,
  withinDaysFilter,
} from './filters.ts';
import type { ListSpec } from './list-query.ts';

/** What a device list item shows, as selected columns (the register link comes by join). */
export const deviceListColumns = {
  id: devices.id,
  hostname: devices.hostname,
  hardwareSerial: devices.hardwareSerial,
  vendor: devices.vendor,
  model: devices.model,
  osFamily: devices.osFamily,
  osName: devices.osName,
  osVersion: devices.osVersion,
  cpuModel: devices.cpuModel,
  cpuCores: devices.cpuCores,
  memoryBytes: devices.memoryBytes,
  softwareCount: devices.softwareCount,
  pendingUpdates: devices.pendingUpdates,
  pendingSecurityUpdates: devices.pendingSecurityUpdates,
  primaryUser: devices.primaryUser,
  macs: devices.macs,
  agentVersion: devices.agentVersion,
  agentKind: devices.agentKind,
  assetId: deviceAssetLinks.assetId,
  assetTag: assets.assetTag,
  firstSeenAt: devices.firstSeenAt,
  lastSeenAt: devices.lastSeenAt,
};

type DeviceListRow = Omit<DeviceListItem, 'firstSeenAt' | 'lastSeenAt'> & { firstSeenAt: Date; lastSeenAt: Date };

/**
 * IPv4 or IPv6 addresses of the device's interfaces containing the pattern (from its hardware
 * section). Lax JSON paths: a device whose hardware has no interfaces, or no addresses, has none.
 * The addresses' JSON text is tested first, one expression per device; only a device it lets
 * through has its addresses tested one by one (a pattern may not span two addresses).
 */
export function deviceIpLike(pattern: string): SQL {
  const addresses = (path: string) =>
    sql`jsonb_path_query(${devices.hardware}, ${sql.raw(`'lax $.nics[*].${path}[*]'`)})`;
  const any = (path: string) =>
    sql`exists (select 1 from ${addresses(path)} a(v) where a.v #>> '{}' ilike ${pattern} escape '\\')`;
  const text = (path: string) =>
    sql`jsonb_path_query_array(${devices.hardware}, ${sql.raw(`'lax $.nics[*].${path}[*]'`)})::text`;
  return sql`((${text('ipv4')} || ${text('ipv6')}) ilike ${pattern} escape '\\' and (${any('ipv4')} or ${any('ipv6')}))`;
}

/**
 * The device list: filters, sorts and the `q` search over host name, serial, asset tag, user,
 * IP and MAC. `base` conditions let other routes (who-has) list devices the same way.
 */
export function createDeviceList(db: Db): ListSpec<DeviceListRow, DeviceListItem, typeof DEVICE_LIST> {
  return {
    list: DEVICE_LIST,
    id: { expr: devices.id, type: 'string' },
    sorts: {
      hostname: { expr: devices.hostname, type: 'string', notNull: true },
      lastSeenAt: { expr: devices.lastSeenAt, type: 'instant', notNull: true },
      firstSeenAt: { expr: devices.firstSeenAt, type: 'instant', notNull: true },
      serial: { expr: devices.hardwareSerial, type: 'string' },
      vendor: { expr: devices.vendor, type: 'string' },
      model: { expr: devices.model, type: 'string' },
      osName: { expr: devices.osName, type: 'string' },
      osVersion: { expr: devices.osVersion, type: 'string' },
      user: { expr: devices.primaryUser, type: 'string' },
      assetTag: { expr: assets.assetTag, type: 'string' },
      softwareCount: { expr: devices.softwareCount, type: 'number', notNull: true },
      pendingUpdates: { expr: devices.pendingUpdates, type: 'number' },
      pendingSecurityUpdates: { expr: devices.pendingSecurityUpdates, type: 'number' },
      memoryBytes: { expr: devices.memoryBytes, type: 'number' },
    },
    filters: {
      hostname: textFilter(devices.hostname),
      serial: textFilter(devices.hardwareSerial),
      vendor: textFilter(devices.vendor),
      model: textFilter(devices.model),
      osFamily: textFilter(devices.osFamily),
      osName: textFilter(devices.osName),
      osVersion: textFilter(devices.osVersion),
      user: textFilter(devices.primaryUser),
      agentVersion: textFilter(devices.agentVersion),
      assetId: equalFilter(deviceAssetLinks.assetId),
      linked: (linked: boolean) => (linked ? isNotNull(deviceAssetLinks.assetId) : isNull(deviceAssetLinks.assetId)),
      notSeenDays: olderThanDaysFilter(devices.lastSeenAt),
      seenWithinDays: withinDaysFilter(devices.lastSeenAt),
      minPendingSecurityUpdates: minimumFilter(devices.pendingSecurityUpdates),
    },
    search: (pattern, text) => {
      const mac = macSearchText(text);
      // The MACs as their JSON text, as SQLite searches them.
      return sql`(${likeAny([devices.hostname, devices.hardwareSerial, assets.assetTag, devices.primaryUser], pattern)}
        OR ${deviceIpLike(pattern)}
        OR ${like(sql`${devices.macs}::text`, mac ? containsPattern(mac) : pattern)})`;
    },
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ ...deviceListColumns, ...paging })
        .from(devices)
        .leftJoin(deviceAssetLinks, eq(deviceAssetLinks.deviceKey, devices.key))
        .leftJoin(assets, eq(assets.id, deviceAssetLinks.assetId))
        .where(where)
        .orderBy(...orderBy)
        .limit(limit),
    toItems: (rows) =>
      rows.map((r) => ({ ...r, firstSeenAt: r.firstSeenAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString() })),
  };
}
