import type { Policy } from '../findings/policies.ts';
import type { DeviceFact } from '../findings/ports.ts';
import { DAY_MS, daysSince } from '../findings/rule.ts';
import { atRenewal } from '../findings/rules/shelfware.rule.ts';
import type { License } from './license-model.ts';
import { type CatalogueEntry, matchCatalogue, userKey } from './license-usage.ts';

/** A present device with installs a license matches, and the user it counts for. */
export interface CountedDevice {
  deviceId: string;
  hostname: string;
  user: string | null;
  lastSeenAt: string;
  software: string[];
}

/** Seats one license uses: distinct present devices with a matching install, and their distinct users. */
export interface LicenseSeatCount {
  licenseId: string;
  devices: number;
  users: number;
}

/**
 * What counting license usage reads from the inventory (the reconciliation source gives it).
 * Synchronous, as a reconciliation run reads it in one of its phases.
 */
export interface InstallCounts {
  /** The software catalogue: every package version known. */
  catalogue(): Iterable<CatalogueEntry>;
  /** Seats used per license, from the catalogue entries each matches, over the present devices (key → user). */
  licenseUsage(
    matches: ReadonlyMap<string, readonly number[]>,
    present: ReadonlyMap<number, string>,
  ): LicenseSeatCount[];
  /** The devices seen since `since` with an install among `softwareIds`. */
  installsOf(softwareIds: readonly number[], since: string): CountedDevice[];
}

export interface LicenseUsage {
  metric: License['metric'];
  seats: number;
  used: number;
  devices: number;
  users: number;
  available: number;
  over: number;
  state: 'over' | 'within' | 'shelfware';
  atRenewal: boolean;
  unusedSeatsCost: number | null;
}

export interface Counted {
  key: string;
  user: string | null;
  devices: Omit<CountedDevice, 'user'>[];
}

export interface LicenseCompliance {
  usage: LicenseUsage;
  matchedVersions: number;
  /** Devices (per_device) or users (per_user), sorted by key. */
  counted: Counted[];
}

/** Usage of one license from the current inventory, counted exactly as a reconciliation run counts it. */
export function usageOf(license: License, devices: number, users: number, policy: Policy, now: Date): LicenseUsage {
  const used = license.metric === 'per_user' ? users : devices;
  const available = Math.max(0, license.seats - used);
  const renewal = atRenewal(license.termEnd, policy, now);
  const state =
    used > license.seats
      ? 'over'
      : renewal && license.seats - used >= policy.shelfware.minUnusedSeats
        ? 'shelfware'
        : 'within';
  return {
    metric: license.metric,
    seats: license.seats,
    used,
    devices,
    users,
    available,
    over: Math.max(0, used - license.seats),
    state,
    atRenewal: renewal,
    unusedSeatsCost: license.costPerSeat === null ? null : Math.round(available * license.costPerSeat * 100) / 100,
  };
}

/**
 * Usage of every license: the catalogue entries each one matches (one pass over the catalogue),
 * counted over the present devices (device key → user key) by the database.
 */
export function licenseUsages(
  source: InstallCounts,
  licenses: readonly License[],
  present: ReadonlyMap<number, string>,
  phase: (name: string) => void = () => {},
): Map<string, { devices: number; users: number }> {
  const matches = licenses.length === 0 ? new Map<string, number[]>() : matchCatalogue(licenses, source.catalogue());
  phase('license_match');
  if (licenses.length === 0) return new Map();
  return new Map(source.licenseUsage(matches, present).map((u) => [u.licenseId, u]));
}

/** The present devices (reported within the ghost window) and the user each one counts for. */
export function presentDevices(
  devices: Iterable<
    Pick<DeviceFact, 'key' | 'id' | 'lastSeenAt' | 'primaryUser' | 'assigneeUsername' | 'assigneeEmail'>
  >,
  policy: Policy,
  now: Date,
): Map<number, string> {
  const present = new Map<number, string>();
  for (const d of devices) {
    if (daysSince(d.lastSeenAt, now) >= policy.ghostAfterDays) continue;
    // A device nobody is known to use counts as a user of its own.
    present.set(d.key, userKey(d.primaryUser, d.assigneeUsername, d.assigneeEmail) ?? `device:${d.id}`);
  }
  return present;
}

/** One license's compliance with the devices or users it counts. */
export function licenseCompliance(
  source: InstallCounts,
  license: License,
  policy: Policy,
  now: Date,
): LicenseCompliance {
  const ids = matchCatalogue([license], source.catalogue()).get(license.id) ?? [];
  const since = new Date(now.getTime() - policy.ghostAfterDays * DAY_MS).toISOString();
  const installs = source.installsOf(ids, since);
  const byUser = new Map<string, Counted>();
  for (const d of installs) {
    const key = d.user ?? `device:${d.deviceId}`;
    const entry = byUser.get(key) ?? { key, user: d.user, devices: [] };
    const { user: _user, ...device } = d;
    entry.devices.push(device);
    byUser.set(key, entry);
  }
  const counted =
    license.metric === 'per_user'
      ? [...byUser.values()]
      : installs.map(({ user, ...device }) => ({ key: device.deviceId, user, devices: [device] }));
  counted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    usage: usageOf(license, installs.length, byUser.size, policy, now),
    matchedVersions: ids.length,
    counted,
  };
}
