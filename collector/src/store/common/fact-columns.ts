import type { AssetFacts, DeviceFacts } from '../../domain/matching/lookups.ts';

/** The device columns matching reads (DeviceFacts but its MACs), by name in every engine's schema. */
export const DEVICE_FACT_KEYS = [
  'key',
  'id',
  'hostname',
  'hostnameKey',
  'hardwareSerial',
  'serialKey',
  'hardwareUuid',
  'uuidKey',
  'vendor',
  'model',
] as const satisfies readonly (keyof DeviceFacts)[];

/** The asset columns matching reads and discovery may fill (AssetFacts), by name. */
export const ASSET_FACT_KEYS = [
  'id',
  'serial',
  'serialKey',
  'hardwareUuid',
  'uuidKey',
  'hostname',
  'hostnameKey',
  'manufacturer',
  'model',
  'lockedFields',
] as const satisfies readonly (keyof AssetFacts)[];

/** A device linked to an asset as the asset's detail shows it: columns of the devices and their links. */
export function linkedDeviceColumns<
  D extends Record<'id' | 'hostname' | 'lastSeenAt', unknown>,
  L extends Record<'method' | 'linkedAt', unknown>,
>(
  devices: D,
  links: L,
): {
  deviceId: D['id'];
  hostname: D['hostname'];
  method: L['method'];
  linkedAt: L['linkedAt'];
  lastSeenAt: D['lastSeenAt'];
} {
  return {
    deviceId: devices.id,
    hostname: devices.hostname,
    method: links.method,
    linkedAt: links.linkedAt,
    lastSeenAt: devices.lastSeenAt,
  };
}

/**
 * Some of a table's columns, as a select's projection: one projection for the single-device path
 * and the full pass of an engine, and the same facts in every engine, so all decide alike.
 */
export function pickColumns<T, K extends keyof T>(table: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, table[k]])) as Pick<T, K>;
}
