import type { LicenseMetric } from '@stocktake/shared/api';
import { cents, daysBetween } from './dates.ts';

/** The windows the renewal calendar groups by, in days ahead. */
export const RENEWAL_WINDOWS = [90, 180, 365] as const;

/** A product's position as renewals read it: its entitlements and what is used now. */
export interface RenewalPosition {
  product: string;
  metric: LicenseMetric;
  entitlements: {
    id: string;
    orderNumber: string | null;
    seats: number;
    termEnd: string | null;
    costPerSeat: number | null;
  }[];
  /** Seats of the entitlements in term now, pooled. */
  seats: number;
  used: number;
  devices: number;
  users: number;
}

export interface RenewalItem {
  kind: 'license' | 'support';
  /** The product, or the asset tag of a support contract. */
  subject: string;
  reference: string | null;
  metric: LicenseMetric | null;
  ends: string;
  daysLeft: number;
  /** The smallest window the end falls in (90, 180 or 365 days). */
  window: number;
  seats: number | null;
  /** The position's seats in use now (devices or users, by its metric). */
  used: number | null;
  devices: number | null;
  users: number | null;
  /** This entitlement's seats nobody uses: the position's unused seats, dropped from the earliest renewal first. */
  unused: number | null;
  costPerSeat: number | null;
  /** What renewing it costs as it stands (every seat, or the contract). */
  renewalCost: number | null;
  /** Of which the unused seats: the saving at renewal. */
  unusedCost: number | null;
}

export interface SupportRenewal {
  assetTag: string;
  supplier: string | null;
  end: string;
  cost: number;
}

function windowOf(daysLeft: number): number | undefined {
  return RENEWAL_WINDOWS.find((w) => daysLeft <= w);
}

/**
 * License terms and support contracts ending within a year of `asOf`, earliest first. A
 * position's unused seats (its seats in term less those used) are counted against its renewing
 * entitlements earliest end first, never more than each holds.
 */
export function renewalCalendar(
  positions: readonly RenewalPosition[],
  support: readonly SupportRenewal[],
  asOf: string,
): RenewalItem[] {
  const items: RenewalItem[] = [];
  for (const p of positions) {
    let unusedLeft = Math.max(0, p.seats - p.used);
    const renewing = p.entitlements
      .filter((e) => e.termEnd !== null && e.termEnd >= asOf)
      .sort((a, b) => (a.termEnd as string).localeCompare(b.termEnd as string));
    for (const e of renewing) {
      const ends = e.termEnd as string;
      const daysLeft = daysBetween(asOf, ends);
      const window = windowOf(daysLeft);
      const unused = Math.min(e.seats, unusedLeft);
      unusedLeft -= unused;
      if (window === undefined) continue;
      items.push({
        kind: 'license',
        subject: p.product,
        reference: e.orderNumber,
        metric: p.metric,
        ends,
        daysLeft,
        window,
        seats: e.seats,
        used: p.used,
        devices: p.devices,
        users: p.users,
        unused,
        costPerSeat: e.costPerSeat,
        renewalCost: e.costPerSeat === null ? null : cents(e.seats * e.costPerSeat),
        unusedCost: e.costPerSeat === null ? null : cents(unused * e.costPerSeat),
      });
    }
  }
  for (const s of support) {
    const daysLeft = daysBetween(asOf, s.end);
    const window = daysLeft >= 0 ? windowOf(daysLeft) : undefined;
    if (window === undefined) continue;
    items.push({
      kind: 'support',
      subject: s.assetTag,
      reference: s.supplier,
      metric: null,
      ends: s.end,
      daysLeft,
      window,
      seats: null,
      used: null,
      devices: null,
      users: null,
      unused: null,
      costPerSeat: null,
      renewalCost: s.cost,
      unusedCost: null,
    });
  }
  return items.sort((a, b) => a.ends.localeCompare(b.ends) || a.subject.localeCompare(b.subject));
}
