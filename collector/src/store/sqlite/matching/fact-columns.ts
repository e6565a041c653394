import { assets, devices } from '../schema/index.ts';

/**
 * What matching reads about a device and an asset: one projection for the single-device path
 * (prepared queries) and the full pass (loaded once), so both decide on the same facts.
 */
export const DEVICE_FACT_COLUMNS = {
  key: devices.key,
  id: devices.id,
  hostname: devices.hostname,
  hostnameKey: devices.hostnameKey,
  hardwareSerial: devices.hardwareSerial,
  serialKey: devices.serialKey,
  hardwareUuid: devices.hardwareUuid,
  uuidKey: devices.uuidKey,
  vendor: devices.vendor,
  model: devices.model,
};

export const ASSET_FACT_COLUMNS = {
  id: assets.id,
  serial: assets.serial,
  serialKey: assets.serialKey,
  hardwareUuid: assets.hardwareUuid,
  uuidKey: assets.uuidKey,
  hostname: assets.hostname,
  hostnameKey: assets.hostnameKey,
  manufacturer: assets.manufacturer,
  model: assets.model,
  lockedFields: assets.lockedFields,
};
