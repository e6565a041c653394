import type { Policy } from '../findings/policies.ts';
import type { DeviceFact } from '../findings/ports.ts';
import { DAY_MS, daysSince } from '../findings/rule.ts';
import type { License } from './license-model.ts';
import { type CatalogueEntry, matchCatalogue, userKey } from './license-usage.ts';
import {
  type Entitlement,
  entitlementOf,
  isCurrent,
  type LicensePool,
  pooledSeats,
  poolOf,
  poolsOf,
  unusedAtRenewal,
} from './positions.ts';

/** A present device with installs a license matches, and the user it counts for. */
export interface CountedDevice {
  deviceId: string;
  hostname: string;
  user: string | null;
  lastSeenAt: string;
  software: string[];
}

/** Seats one position uses: distinct present devices with an install any of its licenses matches, and their distinct users. */
export interface LicenseSeatCount {
  /** The position's key (`poolKey`). */
  key: string;
  devices: number;
  users: number;
}

/**
 * What counting license usage reads from the inventory (the reconciliation source gives it).
 * A count reads the catalogue and then the installs: `consistently` runs it over one read of
 * both (one snapshot), so an install arriving between the two cannot be half counted.
 */
export interface InstallCounts {
  /** The software catalogue: every package version known (an engine may hand it over row by row). */
  catalogue(): Promise<Iterable<CatalogueEntry>>;
  /** Seats used per position (by key), from the catalogue entries it matches, over the present devices (key → user). */
  licenseUsage(
    matches: ReadonlyMap<string, readonly number[]>,
    present: ReadonlyMap<number, string>,
  ): Promise<LicenseSeatCount[]>;
  /** The devices seen since `since` with an install among `softwareIds`. */
  installsOf(softwareIds: readonly number[], since: string): Promise<CountedDevice[]>;
  /** Runs `work` over one consistent read of the catalogue and the installs, and answers what it answers. */
  consistently<T>(work: (counts: InstallCounts) => Promise<T>): Promise<T>;
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

/** An entitlement as a position shows it: whether its term is current, so its seats count. */
export interface PositionEntitlement extends Entitlement {
  current: boolean;
}

export interface LicenseCompliance {
  /** The product's position: every entitlement of the product under the license's metric, pooled. */
  product: string;
  usage: LicenseUsage;
  /** Each entitlement of the product, the one asked about among them, with whether it counts. */
  entitlements: PositionEntitlement[];
  matchedVersions: number;
  /** Devices (per_device) or users (per_user), sorted by key. */
  counted: Counted[];
}

/**
 * A position's usage from the current inventory, counted exactly as a reconciliation run counts
 * it: the seats of the entitlements whose term is current, pooled, against the devices (or
 * users) with an install any entitlement of the product matches. Shelfware is the unused seats
 * the entitlements renewing within the horizon could shed.
 */
export function usageOf(
  pool: Pick<LicensePool, 'metric'> & { licenses: readonly Pick<License, keyof Entitlement>[] },
  devices: number,
  users: number,
  policy: Policy,
  now: Date,
): LicenseUsage {
  const pooled = pooledSeats(pool.licenses.map(entitlementOf), policy, now);
  const used = pool.metric === 'per_user' ? users : devices;
  const available = Math.max(0, pooled.seats - used);
  const renewal = pooled.renewing.length > 0;
  const state =
    used > pooled.seats
      ? 'over'
      : renewal && unusedAtRenewal(pooled, used) >= policy.shelfware.minUnusedSeats
        ? 'shelfware'
        : 'within';
  return {
    metric: pool.metric,
    seats: pooled.seats,
    used,
    devices,
    users,
    available,
    over: Math.max(0, used - pooled.seats),
    state,
    atRenewal: renewal,
    unusedSeatsCost: pooled.costPerSeat === null ? null : Math.round(available * pooled.costPerSeat * 100) / 100,
  };
}

/** Every license's catalogue matches, pooled by position: the union of what its licenses match. */
function poolMatches(pools: readonly LicensePool[], matches: ReadonlyMap<string, readonly number[]>) {
  const out = new Map<string, number[]>();
  for (const pool of pools) {
    const ids = new Set<number>();
    for (const l of pool.licenses) for (const id of matches.get(l.id) ?? []) ids.add(id);
    out.set(
      pool.key,
      [...ids].sort((a, b) => a - b),
    );
  }
  return out;
}

/**
 * Usage of every position (by `poolKey`): the catalogue entries each license matches (one pass
 * over the catalogue), pooled by product and metric, counted over the present devices (device
 * key → user key) by the database.
 */
export function licenseUsages(
  source: InstallCounts,
  licenses: readonly License[],
  present: ReadonlyMap<number, string>,
  phase: (name: string) => void = () => {},
): Promise<Map<string, { devices: number; users: number }>> {
  if (licenses.length === 0) {
    phase('license_match');
    return Promise.resolve(new Map());
  }
  return source.consistently(async (counts) => {
    const matches = matchCatalogue(licenses, await counts.catalogue());
    phase('license_match');
    const pooled = poolMatches(poolsOf(licenses), matches);
    return new Map((await counts.licenseUsage(pooled, present)).map((u) => [u.key, u]));
  });
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

/**
 * The compliance of a license's product: its position (the license pooled with the product's
 * other entitlements under the same metric, `licenses` being the whole book) and the devices
 * or users it counts.
 */
export async function licenseCompliance(
  source: InstallCounts,
  license: License,
  licenses: readonly License[],
  policy: Policy,
  now: Date,
): Promise<LicenseCompliance> {
  const pool = poolOf(license, licenses);
  const since = new Date(now.getTime() - policy.ghostAfterDays * DAY_MS).toISOString();
  const { ids, installs } = await source.consistently(async (counts) => {
    const matched = matchCatalogue(pool.licenses, await counts.catalogue());
    const ids = poolMatches([pool], matched).get(pool.key) ?? [];
    return { ids, installs: await counts.installsOf(ids, since) };
  });
  const byUser = new Map<string, Counted>();
  for (const d of installs) {
    const key = d.user ?? `device:${d.deviceId}`;
    const entry = byUser.get(key) ?? { key, user: d.user, devices: [] };
    const { user: _user, ...device } = d;
    entry.devices.push(device);
    byUser.set(key, entry);
  }
  const counted =
    pool.metric === 'per_user'
      ? [...byUser.values()]
      : installs.map(({ user, ...device }) => ({ key: device.deviceId, user, devices: [device] }));
  counted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const day = now.toISOString().slice(0, 10);
  return {
    product: pool.product,
    usage: usageOf(pool, installs.length, byUser.size, policy, now),
    entitlements: pool.licenses.map((l) => ({ ...entitlementOf(l), current: isCurrent(l, day) })),
    matchedVersions: ids.length,
    counted,
  };
}
