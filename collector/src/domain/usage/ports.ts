import type { UsageEntry, UsageSourceState } from '@stocktake/shared';

/** What an ingest tells the usage store about one device. */
export interface UsageReport {
  /**
   * `full`: the snapshot's usage is all there is (absent: the device sends none now, so its
   * entries and sources go). `changes`: a delta's entries, merged into what is kept, the
   * sources replaced; absent: nothing changed.
   */
  kind: 'full' | 'changes';
  sources?: UsageSourceState[];
  entries?: UsageEntry[];
  /** Interactive logins as the users section says, when the message carried it. */
  logins?: LoginState;
}

/** Who logs in: from the users section (sessions open now, and the last login). */
export interface LoginState {
  sessionsOpen: boolean;
  /** The latest interactive login the device reported (ISO 8601), if it said. */
  lastLoginAt: string | null;
  lastLoginUser: string | null;
}

/** A device's usage as stored. */
export interface DeviceUsage {
  deviceId: string;
  /** Null: the device never sent usage (an older agent, or metering off). */
  sources: UsageSourceState[] | null;
  entries: UsageEntry[];
}

/** A device's people, for idle hardware. */
export interface DeviceActivity {
  deviceId: string;
  sessionsOpen: boolean;
  lastLoginAt: string | null;
  lastLoginUser: string | null;
}

/**
 * The days that divide the usage classes as of one day, from the policy's thresholds: an
 * install last used on or after `usedFrom` is used, on or after `rarelyFrom` rarely used, before
 * it unused; one with no recorded use is unused when its device's earliest usage source speaks
 * from `coveredBy` or before, and unknown otherwise (or without sources). `usageCutoffs` makes
 * them; they agree with `classifyUse`, so an engine can classify in its own query.
 */
export interface UsageCutoffs {
  usedFrom: string;
  rarelyFrom: string;
  coveredBy: string;
}

/** A catalogue entry's installs by class. */
export interface CatalogueUse {
  softwareId: number;
  used: number;
  rarelyUsed: number;
  unused: number;
  unknown: number;
}

/**
 * Software use per device, installed item and user, as agents measure it, and who logs in on
 * each device. Entries only move forward: a merge keeps the later day of each key.
 */
export interface SoftwareUsage {
  /** Stores what one snapshot or delta said of use and logins (an unknown device is ignored). */
  record(deviceId: string, report: UsageReport, now: Date): Promise<void>;
  /** The usage of these devices (every device asked about is answered; unknown ones with nothing). */
  ofDevices(deviceIds: readonly string[]): Promise<DeviceUsage[]>;
  /**
   * The present installs of each catalogue entry by class, as of the cutoffs (an entry without
   * installs is answered with zeros; each entry asked about is answered once, in the order asked).
   */
  catalogueUse(softwareIds: readonly number[], cutoffs: UsageCutoffs): Promise<CatalogueUse[]>;
  /** Every device's login state that was ever recorded. */
  activity(): Promise<DeviceActivity[]>;
}
