import type { Reclamation, UsageClass } from '@stocktake/shared/api';
import type { Policy } from '../findings/policies.ts';
import { DAY_MS } from '../findings/rule.ts';
import type { CountedDevice, InstallCounts } from '../licenses/compliance.ts';
import type { License } from '../licenses/license-model.ts';
import { matchCatalogue } from '../licenses/license-usage.ts';
import { entitlementOf, type LicensePool, pooledSeats, poolOf, poolsOf } from '../licenses/positions.ts';
import { classifyUse, inUse, latestUse, sourcesCovering } from './classify.ts';
import type { DeviceUsage, SoftwareUsage } from './ports.ts';

export type { Reclamation };

/** The money at renewal, to the cent. */
const cents = (n: number) => Math.round(n * 100) / 100;

interface InstallUse {
  device: CountedDevice;
  class: UsageClass;
  lastUsed: string | undefined;
  /** People the device's usage names, with their last use of the product. */
  people: Map<string, string>;
}

/**
 * How one device used the product: its entries for the matched packages, classified. Without a
 * use, only the device's sources that see every software source the product is matched from
 * speak for it (the device's own installs are not told apart by source here, so a source blind
 * to one of them leaves the install unknown rather than wrongly reclaimable).
 */
function useOn(device: CountedDevice, usage: DeviceUsage | undefined, names: Set<string>, policy: Policy, now: Date) {
  const entries = (usage?.entries ?? []).filter((e) => names.has(`${e.source}\u0000${e.name}`));
  const kinds = [...new Set([...names].map((n) => n.slice(0, n.indexOf('\u0000'))))];
  const lastUsed = latestUse(entries);
  const people = new Map<string, string>();
  for (const e of entries) {
    if (!e.user) continue;
    const was = people.get(e.user);
    if (!was || e.lastUsed > was) people.set(e.user, e.lastUsed);
  }
  const sources = sourcesCovering(usage?.sources ?? null, kinds);
  return { device, class: classifyUse(lastUsed, sources, policy, now), lastUsed, people };
}

/**
 * One position's reclamation: its installs on present devices, classified by last use, and the
 * seats that could be taken back. Per device: every unused install. Per user: every person
 * (as license counting names them) none of whose installs was used within the unused threshold
 * and at least one of them known unused. Unknown use is never counted reclaimable. The money is
 * at the next renewal: reclaimable seats, at most the seats renewing that day, at their cost.
 */
function positionReclamation(
  pool: LicensePool,
  installs: readonly CountedDevice[],
  usage: ReadonlyMap<string, DeviceUsage>,
  names: Set<string>,
  policy: Policy,
  now: Date,
): Reclamation {
  const pooled = pooledSeats(pool.licenses.map(entitlementOf), policy, now);
  const uses: InstallUse[] = installs.map((d) => useOn(d, usage.get(d.deviceId), names, policy, now));
  const count = (c: (u: InstallUse) => boolean) => uses.filter(c).length;
  const recent = (day: string) => classifyUse(day, null, policy, now);
  const whoUsed = new Set<string>();
  for (const u of uses) {
    for (const [person, day] of u.people) if (inUse(recent(day))) whoUsed.add(person.toLowerCase());
    // A use the source cannot tie to a person counts for the person the device counts for.
    if (u.people.size === 0 && inUse(u.class)) whoUsed.add(u.device.user ?? `device:${u.device.deviceId}`);
  }
  const byPerson = new Map<string, InstallUse[]>();
  for (const u of uses) {
    const key = u.device.user ?? `device:${u.device.deviceId}`;
    byPerson.set(key, [...(byPerson.get(key) ?? []), u]);
  }
  const seat = (u: InstallUse) => ({
    deviceId: u.device.deviceId,
    hostname: u.device.hostname,
    user: u.device.user,
    lastUsed: u.lastUsed ?? null,
    class: u.class,
  });
  const reclaimableSeats =
    pool.metric === 'per_user'
      ? [...byPerson.values()]
          .filter((list) => !list.some((u) => inUse(u.class)) && list.some((u) => u.class === 'unused'))
          .map((list) => seat(list.reduce((a, b) => ((a.lastUsed ?? '') >= (b.lastUsed ?? '') ? a : b))))
      : uses.filter((u) => u.class === 'unused').map(seat);
  const [next] = pooled.current
    .filter((e) => e.termEnd !== null && e.termEnd >= now.toISOString().slice(0, 10))
    .sort((a, b) => ((a.termEnd ?? '') < (b.termEnd ?? '') ? -1 : 1));
  const renewing = next ? pooled.current.filter((e) => e.termEnd === next.termEnd) : [];
  const renewingSeats = renewing.reduce((n, e) => n + e.seats, 0);
  const renewingCost = renewing.every((e) => e.costPerSeat !== null)
    ? renewing.reduce((n, e) => n + e.seats * (e.costPerSeat ?? 0), 0)
    : null;
  const droppable = Math.min(reclaimableSeats.length, renewingSeats);
  return {
    product: pool.product,
    metric: pool.metric,
    seats: pooled.seats,
    installs: uses.length,
    usedInstalls: count((u) => inUse(u.class)),
    unusedInstalls: count((u) => u.class === 'unused'),
    unknownInstalls: count((u) => u.class === 'unknown'),
    users: byPerson.size,
    usersWhoUsed: whoUsed.size,
    reclaimable: reclaimableSeats.length,
    reclaimableSeats,
    costPerSeat: pooled.costPerSeat === null ? null : cents(pooled.costPerSeat),
    nextRenewal: next?.termEnd ?? null,
    renewingSeats,
    savingAtRenewal:
      next && renewingCost !== null && renewingSeats > 0 ? cents((droppable * renewingCost) / renewingSeats) : null,
  };
}

export interface ReclamationSources {
  installs: InstallCounts;
  usage: SoftwareUsage;
}

/**
 * Reclamation of every position of the license book (or of the positions of `only`), over the
 * devices present in the ghost window: the figures the reclaimable_seats finding, the API and
 * the reports read.
 */
export async function reclamations(
  sources: ReclamationSources,
  licenses: readonly License[],
  policy: Policy,
  now: Date,
  only?: License,
): Promise<Reclamation[]> {
  const pools = only ? [poolOf(only, licenses)] : poolsOf(licenses);
  if (pools.length === 0) return [];
  const since = new Date(now.getTime() - policy.ghostAfterDays * DAY_MS).toISOString();
  const perPool = await sources.installs.consistently(async (counts) => {
    const catalogue = [...(await counts.catalogue())];
    const matched = matchCatalogue(
      pools.flatMap((p) => p.licenses),
      catalogue,
    );
    const entryById = new Map(catalogue.map((c) => [c.id, c]));
    const out: { pool: LicensePool; names: Set<string>; installs: CountedDevice[] }[] = [];
    for (const pool of pools) {
      const ids = [...new Set(pool.licenses.flatMap((l) => matched.get(l.id) ?? []))].sort((a, b) => a - b);
      const names = new Set(
        ids.flatMap((id) => {
          const e = entryById.get(id);
          return e ? [`${e.source}\u0000${e.name}`] : [];
        }),
      );
      out.push({ pool, names, installs: await counts.installsOf(ids, since) });
    }
    return out;
  });
  const deviceIds = [...new Set(perPool.flatMap((p) => p.installs.map((d) => d.deviceId)))];
  const usage = new Map((await sources.usage.ofDevices(deviceIds)).map((u) => [u.deviceId, u]));
  return perPool.map(({ pool, names, installs }) => positionReclamation(pool, installs, usage, names, policy, now));
}
