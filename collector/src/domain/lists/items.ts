/** A device as the device list (and who-has) shows it: its inventory summary and register link. */
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

/** One package version of the software catalogue. */
export interface CatalogueEntry {
  id: number;
  source: string;
  name: string;
  version: string;
  arch: string | null;
  publisher: string | null;
  /** Devices that have this exact package version now. */
  installs: number;
}

/** One matching package a device has, as who-has shows it. */
export interface InstalledMatch {
  source: string;
  name: string;
  version: string;
  arch?: string;
  publisher?: string;
}

/** A device that has the software a who-has query names, with what of it it has. */
export interface WhoHasItem extends DeviceListItem {
  /** The matching software this device has (name, source, arch, version order). */
  software: InstalledMatch[];
  /** Their distinct versions, oldest first. */
  versions: string[];
}
