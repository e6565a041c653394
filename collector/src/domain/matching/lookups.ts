import type { DeviceLink } from '@stocktake/shared/api';

/** A device's link to the register, as the API shows it. */
export type { DeviceLink } from '@stocktake/shared/api';

export interface DeviceFacts {
  key: number;
  id: string;
  hostname: string;
  hostnameKey: string | null;
  hardwareSerial: string | null;
  serialKey: string | null;
  hardwareUuid: string | null;
  uuidKey: string | null;
  vendor: string | null;
  model: string | null;
  /** Sorted. */
  macs: string[];
}

export interface CandidateAsset {
  id: string;
  serialKey: string | null;
  uuidKey: string | null;
}

/** The register fields matching reads and discovery may fill. */
export interface AssetFacts extends CandidateAsset {
  serial: string | null;
  hardwareUuid: string | null;
  hostname: string | null;
  hostnameKey: string | null;
  manufacturer: string | null;
  model: string | null;
  lockedFields: string[];
}

export type IdentifierColumn = 'serialKey' | 'uuidKey' | 'hostnameKey';
export const IDENTIFIER_COLUMNS: readonly IdentifierColumn[] = ['serialKey', 'uuidKey', 'hostnameKey'];

/**
 * What the matcher asks about devices and the register. Answered by SQL for one device at a
 * time, or from a snapshot loaded once for a pass over every device (matching-snapshot.ts):
 * both must give the same answers, so the decisions (decide.ts) are written once.
 */
export interface MatchLookups {
  device(deviceKey: number): DeviceFacts | undefined;
  link(deviceKey: number): DeviceLink | undefined;
  /** A device other than this one reports the value. */
  anotherDevice(column: IdentifierColumn, value: string, deviceKey: number): boolean;
  /** A device other than this one reports the MAC. */
  macOfAnotherDevice(mac: string, deviceKey: number): boolean;
  /** Up to two assets carrying the value (only "exactly one" is ever acted on). */
  assetsWith(column: IdentifierColumn, value: string): CandidateAsset[];
  /** Up to two distinct assets carrying any of the MACs. */
  assetsWithMacs(macs: readonly string[]): CandidateAsset[];
  asset(assetId: string): AssetFacts | undefined;
  /** An asset other than this one carries the value. */
  otherAssetHas(column: IdentifierColumn, value: string, assetId: string): boolean;
  /** The asset's MACs, sorted. */
  assetMacs(assetId: string): string[];
  /** Those of the MACs that an asset other than this one carries. */
  macsOnOtherAssets(macs: readonly string[], assetId: string): Set<string>;
}
