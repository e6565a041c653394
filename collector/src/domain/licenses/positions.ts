import type { LicenseMetric } from '@stocktake/shared/api';
import type { Policy } from '../findings/policies.ts';
import { addDays, today } from '../findings/rule.ts';
import type { License } from './license-model.ts';

/**
 * One entitlement of a product as its position counts it: its seats, term and order. `current`
 * says whether its term covers today (started, or no start; not ended, or no end): only current
 * entitlements lend their seats to the position.
 */
export interface Entitlement {
  id: string;
  orderNumber: string | null;
  seats: number;
  termStart: string | null;
  termEnd: string | null;
  costPerSeat: number | null;
}

/**
 * The entitlements of one product under one metric. They pool their seats whatever their order
 * and term: two orders of 3 and 2 seats are one position of 5. Seats counted by device and seats
 * counted by user do not add up, so a product bought both ways has one position per metric.
 */
export interface LicensePool {
  /** The product and metric, as one string (a map key and the subject of the pool's findings). */
  key: string;
  product: string;
  metric: LicenseMetric;
  /** By order number (none first), then id. */
  licenses: License[];
}

export function poolKey(l: { product: string; metric: LicenseMetric }): string {
  return `${l.metric}\u0000${l.product}`;
}

const byOrder = (a: License, b: License) =>
  (a.orderNumber ?? '').localeCompare(b.orderNumber ?? '') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The licenses grouped into positions, by product and then metric. A product is named as the
 * book names it (exactly: the book tells entitlements apart by product and order number).
 */
export function poolsOf(licenses: readonly License[]): LicensePool[] {
  const pools = new Map<string, LicensePool>();
  for (const l of licenses) {
    const key = poolKey(l);
    const pool = pools.get(key) ?? { key, product: l.product, metric: l.metric, licenses: [] };
    pool.licenses.push(l);
    pools.set(key, pool);
  }
  for (const p of pools.values()) p.licenses.sort(byOrder);
  return [...pools.values()].sort(
    (a, b) => (a.product < b.product ? -1 : a.product > b.product ? 1 : 0) || a.metric.localeCompare(b.metric),
  );
}

/** The pool a license belongs to, among these licenses. */
export function poolOf(license: License, licenses: readonly License[]): LicensePool {
  const key = poolKey(license);
  return poolsOf(licenses.some((l) => l.id === license.id) ? licenses : [...licenses, license]).find(
    (p) => p.key === key,
  ) as LicensePool;
}

export function entitlementOf(l: Pick<License, keyof Entitlement>): Entitlement {
  return {
    id: l.id,
    orderNumber: l.orderNumber,
    seats: l.seats,
    termStart: l.termStart,
    termEnd: l.termEnd,
    costPerSeat: l.costPerSeat,
  };
}

/** The term covers `day` (YYYY-MM-DD): started or open at the start, not ended or open at the end. */
export function isCurrent(e: Pick<Entitlement, 'termStart' | 'termEnd'>, day: string): boolean {
  return (e.termStart === null || e.termStart <= day) && (e.termEnd === null || e.termEnd >= day);
}

/** Renewal time: the term ends within the renewal horizon and has not ended yet. */
export function atRenewal(termEnd: string | null, policy: Policy, now: Date): boolean {
  if (!termEnd) return false;
  const day = today(now);
  return termEnd >= day && termEnd <= addDays(day, policy.shelfware.renewalHorizonDays);
}

/** What the entitlements of a position come to today. */
export interface PooledSeats {
  /** Seats of the current entitlements, added up. */
  seats: number;
  /** The current entitlements. */
  current: Entitlement[];
  /** The current entitlements whose term ends within the renewal horizon, earliest end first. */
  renewing: Entitlement[];
  /** Seats of those: the most that could be dropped at renewal. */
  renewingSeats: number;
  /** Cost of one seat over the current entitlements, weighted by seats; null unless every one has a cost. */
  costPerSeat: number | null;
}

export function pooledSeats(entitlements: readonly Entitlement[], policy: Policy, now: Date): PooledSeats {
  const day = today(now);
  const current = entitlements.filter((e) => isCurrent(e, day));
  const renewing = current
    .filter((e) => atRenewal(e.termEnd, policy, now))
    .sort((a, b) => ((a.termEnd ?? '') < (b.termEnd ?? '') ? -1 : 1));
  const seats = current.reduce((n, e) => n + e.seats, 0);
  const priced = current.every((e) => e.costPerSeat !== null);
  const cost = current.reduce((n, e) => n + e.seats * (e.costPerSeat ?? 0), 0);
  return {
    seats,
    current,
    renewing,
    renewingSeats: renewing.reduce((n, e) => n + e.seats, 0),
    costPerSeat: priced && seats > 0 ? cost / seats : null,
  };
}

/** Seats unused at renewal: unused seats, but no more than the renewing entitlements hold (the rest cannot be dropped now). */
export function unusedAtRenewal(pooled: PooledSeats, used: number): number {
  return Math.min(Math.max(0, pooled.seats - used), pooled.renewingSeats);
}
