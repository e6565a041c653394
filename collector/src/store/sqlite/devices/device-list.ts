import { eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import {
  booleanFilter,
  exactFilter,
  likeAny,
  minimumFilter,
  olderThanDaysFilter,
  textFilter,
  withinDaysFilter,
} from '../lists/filters.ts';
import { containsPattern, type ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { assets, deviceAssetLinks, devices } from '../schema/index.ts';

export interface DeviceListItem {
  id: string;
  hostname: string;
  hardwareSerial: string | null;
  vendor: string | null;
  model: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  cpuModel: string | null;
  cpuCores: number | null;
  memoryBytes: number | null;
  softwareCount: number;
  pendingUpdates: number | null;
  pendingSecurityUpdates: number | null;
  primaryUser: string | null;
  macs: string[];
  agentVersion: string | null;
  assetId: string | null;
  assetTag: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

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
  assetId: deviceAssetLinks.assetId,
  assetTag: assets.assetTag,
  firstSeenAt: devices.firstSeenAt,
  lastSeenAt: devices.lastSeenAt,
};

/** IPv4 or IPv6 addresses of the device's interfaces containing the pattern (from its hardware section). */
export function deviceIpLike(pattern: string): SQL {
  return sql`exists (select 1 from json_each(${devices.hardware}, '$.nics') n, json_each(n.value, '$.ipv4') a where a.value like ${pattern} escape '\\'
    union all select 1 from json_each(${devices.hardware}, '$.nics') n, json_each(n.value, '$.ipv6') a where a.value like ${pattern} escape '\\')`;
}

/** A MAC as people type it (`3C-22-FB`, `3c22.fb7a`) in the form devices and assets store: lower case, colons. */
export function macSearchText(text: string): string | undefined {
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length < 4 || !/^[0-9a-f:.\-\s]+$/i.test(text)) return undefined;
  return hex.match(/.{1,2}/g)?.join(':');
}

/**
 * The device list: filters, sorts and the `q` search over host name, serial, asset tag, user,
 * IP and MAC. `base` conditions let other routes (who-has) list devices the same way.
 */
export function createDeviceList(db: Db): ListSpec<DeviceListItem, DeviceListItem> {
  return {
    name: 'devices',
    defaultSort: 'hostname',
    id: { expr: devices.id, type: 'string' },
    sorts: {
      hostname: { expr: devices.hostname, type: 'string', notNull: true },
      lastSeenAt: { expr: devices.lastSeenAt, type: 'string', notNull: true },
      firstSeenAt: { expr: devices.firstSeenAt, type: 'string', notNull: true },
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
      hostname: textFilter(devices.hostname, 'Host name.'),
      serial: textFilter(devices.hardwareSerial, 'Hardware serial.'),
      vendor: textFilter(devices.vendor, 'Vendor.'),
      model: textFilter(devices.model, 'Model.'),
      osFamily: textFilter(devices.osFamily, 'OS family: linux, windows, macos.'),
      osName: textFilter(devices.osName, 'OS name (Ubuntu, Windows 11 Pro, macOS).'),
      osVersion: textFilter(devices.osVersion, 'OS version (22.04*, 23H2, 14.*).'),
      user: textFilter(devices.primaryUser, 'The user of the device (last or current login).'),
      agentVersion: textFilter(devices.agentVersion, 'Agent version.'),
      assetId: exactFilter(deviceAssetLinks.assetId, 'Linked to this register asset.'),
      linked: booleanFilter('Linked to a register asset (true) or not (false).', (linked) =>
        linked ? isNotNull(deviceAssetLinks.assetId) : isNull(deviceAssetLinks.assetId),
      ),
      notSeenDays: olderThanDaysFilter(devices.lastSeenAt, 'Not seen for at least this many days.'),
      seenWithinDays: withinDaysFilter(devices.lastSeenAt, 'Seen within this many days.'),
      minPendingSecurityUpdates: minimumFilter(
        devices.pendingSecurityUpdates,
        'At least this many security updates pending.',
      ),
    },
    search: {
      description: 'Host name, serial, asset tag, user, IP address or MAC contains the text.',
      where: (pattern, text) => {
        const mac = macSearchText(text);
        return sql`(${likeAny([devices.hostname, devices.hardwareSerial, assets.assetTag, devices.primaryUser], pattern)}
          OR ${deviceIpLike(pattern)}
          OR ${devices.macs} LIKE ${mac ? containsPattern(mac) : pattern} ESCAPE '\\')`;
      },
    },
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ ...deviceListColumns, ...paging })
        .from(devices)
        .leftJoin(deviceAssetLinks, eq(deviceAssetLinks.deviceKey, devices.key))
        .leftJoin(assets, eq(assets.id, deviceAssetLinks.assetId))
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all(),
    toItems: (rows) => rows,
  };
}
