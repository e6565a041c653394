import type { AssetStatus, CostPolicy, LicenseMetric } from '@stocktake/shared/api';
import { cents } from './dates.ts';
import { type Depreciable, depreciation, usefulLife } from './depreciation.ts';

/** A support or warranty contract an asset carries. */
export interface SupportContract {
  cost: number;
  start: string | null;
  end: string | null;
}

/** An asset as the cost model reads it. */
export interface CostedAsset extends Depreciable {
  id: string;
  assetTag: string;
  name: string | null;
  model: string | null;
  costCenter: string | null;
  location: string | null;
  status: AssetStatus;
  support: SupportContract | null;
  /** What its disposal brought in (positive) or cost (negative), when it was disposed of. */
  disposal: { date: string; proceeds: number | null } | null;
}

/** License seats one position holds now: by device, or by user over the devices they use. */
export interface SeatHolders {
  product: string;
  metric: LicenseMetric;
  /** The position's price of one seat for its current term; null when an entitlement has none. */
  costPerSeat: number | null;
  /** Each seat: the device ids it covers (one for a device seat; the user's devices for a user seat). */
  seats: { key: string; deviceIds: string[] }[];
}

/** License cost attributed to assets, and what could not be (seats on devices outside the register). */
export interface LicenseAttribution {
  byAsset: Map<string, number>;
  unattributed: number;
}

/**
 * Each seat's cost goes to the assets it sits on: a device seat to the device's asset, a user
 * seat shared equally by the assets of the devices that user has the product on. A seat on
 * devices the register does not know stays unattributed (it is still paid for).
 */
export function attributeLicenses(
  positions: readonly SeatHolders[],
  assetOfDevice: ReadonlyMap<string, string>,
): LicenseAttribution {
  const byAsset = new Map<string, number>();
  let unattributed = 0;
  for (const p of positions) {
    if (p.costPerSeat === null) continue;
    for (const seat of p.seats) {
      const assets = [...new Set(seat.deviceIds.map((d) => assetOfDevice.get(d)).filter((a) => a !== undefined))];
      if (assets.length === 0) {
        unattributed += p.costPerSeat;
        continue;
      }
      const share = p.costPerSeat / assets.length;
      for (const a of assets) byAsset.set(a, (byAsset.get(a) ?? 0) + share);
    }
  }
  return { byAsset, unattributed: cents(unattributed) };
}

/** One asset's cost of ownership to the end of the period. */
export interface AssetCost {
  assetId: string;
  assetTag: string;
  name: string | null;
  model: string | null;
  category: string | null;
  costCenter: string | null;
  location: string | null;
  status: AssetStatus;
  purchaseDate: string | null;
  endOfLife: string | null;
  purchaseCost: number;
  depreciationInPeriod: number;
  bookValue: number;
  supportCost: number;
  licenseCost: number;
  /** Proceeds (positive) or cost (negative) of its disposal. */
  disposalProceeds: number;
  /** purchase + support + licenses − disposal proceeds. */
  tco: number;
}

/**
 * The cost model of one asset as of `to`: what it cost to buy, its book value and the
 * depreciation charged within [from, to], its support contract, the license seats it holds now
 * and what its disposal brought in. A disposed asset has no book value left.
 */
export function assetCost(
  asset: CostedAsset,
  licenseCost: number,
  period: { from: string; to: string },
  costs: CostPolicy,
): AssetCost {
  const disposedBy = asset.disposal && asset.disposal.date <= period.to;
  // Depreciation stops on the day of disposal; what book value is left then goes with the asset.
  const until = disposedBy && asset.disposal ? asset.disposal.date : period.to;
  const dep =
    until < period.from ? { depreciationInPeriod: 0, bookValue: 0 } : depreciation(asset, period.from, until, costs);
  const purchaseCost = asset.purchaseCost ?? 0;
  const supportCost = asset.support?.cost ?? 0;
  const disposalProceeds = disposedBy ? (asset.disposal?.proceeds ?? 0) : 0;
  const license = cents(licenseCost);
  return {
    assetId: asset.id,
    assetTag: asset.assetTag,
    name: asset.name,
    model: asset.model,
    category: asset.category,
    costCenter: asset.costCenter,
    location: asset.location,
    status: asset.status,
    purchaseDate: asset.purchaseDate,
    endOfLife: usefulLife(asset, costs).endOfLife,
    purchaseCost,
    depreciationInPeriod: dep.depreciationInPeriod ?? 0,
    bookValue: disposedBy ? 0 : (dep.bookValue ?? 0),
    supportCost,
    licenseCost: license,
    disposalProceeds,
    tco: cents(purchaseCost + supportCost + license - disposalProceeds),
  };
}

export const ROLLUP_DIMENSIONS = ['costCenter', 'location', 'category', 'model'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** The totals of a group of assets. */
export interface CostTotals {
  assets: number;
  purchaseCost: number;
  depreciationInPeriod: number;
  bookValue: number;
  supportCost: number;
  licenseCost: number;
  disposalProceeds: number;
  tco: number;
}

export interface Rollup extends CostTotals {
  dimension: RollupDimension;
  /** The group's value; null for assets the register gives none. */
  value: string | null;
}

const MONEY_KEYS = [
  'purchaseCost',
  'depreciationInPeriod',
  'bookValue',
  'supportCost',
  'licenseCost',
  'disposalProceeds',
  'tco',
] as const;

export function totalsOf(costs: readonly AssetCost[]): CostTotals {
  const t: CostTotals = {
    assets: costs.length,
    purchaseCost: 0,
    depreciationInPeriod: 0,
    bookValue: 0,
    supportCost: 0,
    licenseCost: 0,
    disposalProceeds: 0,
    tco: 0,
  };
  for (const c of costs) for (const k of MONEY_KEYS) t[k] += c[k];
  for (const k of MONEY_KEYS) t[k] = cents(t[k]);
  return t;
}

/** The assets' costs added up per value of each dimension, groups by value (none last). */
export function rollups(costs: readonly AssetCost[]): Rollup[] {
  const out: Rollup[] = [];
  for (const dimension of ROLLUP_DIMENSIONS) {
    const groups = new Map<string | null, AssetCost[]>();
    for (const c of costs) {
      const v = c[dimension];
      groups.set(v, [...(groups.get(v) ?? []), c]);
    }
    const keys = [...groups.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
    for (const value of keys) out.push({ dimension, value, ...totalsOf(groups.get(value) ?? []) });
  }
  return out;
}
