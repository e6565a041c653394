import type { ConflictKind } from '@stocktake/shared/api';
import type { DeviceLink } from './lookups.ts';

/**
 * Which register asset each device is. Discovery keeps links up to date on every ingest and
 * reconciliation; a person's link or unlink (`manual`) is kept until a person changes it.
 */
export interface DeviceLinks {
  /** Undefined when the device has never been linked (nor unlinked by hand). */
  linkOf(deviceId: string): Promise<DeviceLink | undefined>;
  /** Links by hand. NotFoundError when the device or the asset does not exist. */
  linkManually(deviceId: string, assetId: string, actor: string): Promise<DeviceLink>;
  /**
   * Unlinks by hand: discovery leaves the device unlinked. With `rediscover`, the device goes
   * back to discovery instead, which matches it again at once. NotFoundError for an unknown device.
   */
  unlinkManually(deviceId: string, actor: string, options?: { rediscover?: boolean }): Promise<void>;
  /** Matches every device to the register again (after a bulk change); what it saw and changed. */
  rematchAll(): Promise<{ devices: number; changed: number; linked: number }>;
}

/**
 * An identifier that should name one machine but names several. Such an identifier is never
 * used to match, and never to merge; reconciliation turns these into findings.
 */
export interface IdentityConflict {
  kind: ConflictKind;
  value: string;
  deviceIds: string[];
  assetIds: string[];
}

/** Identifiers shared where they should not be: never used to match, turned into findings. */
export interface IdentityConflicts {
  ofDevice(deviceId: string): Promise<IdentityConflict[]>;
  ofAsset(assetId: string): Promise<IdentityConflict[]>;
  /** Every conflict in the fleet and the register. */
  all(): Promise<IdentityConflict[]>;
}
