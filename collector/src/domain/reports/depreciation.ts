import type { CostPolicy, DepreciationMethod } from '@stocktake/shared/api';
import { addMonths, cents, daysBetween } from './dates.ts';

/** What depreciation needs of an asset. */
export interface Depreciable {
  category: string | null;
  purchaseDate: string | null;
  purchaseCost: number | null;
  /** The register's own end of life for this asset, over its category's useful life. */
  expectedEndOfLife: string | null;
}

/** An asset's useful life: from purchase to the day its book value reaches zero. */
export interface UsefulLife {
  months: number | null;
  endOfLife: string | null;
  /** Where the end came from. */
  source: 'asset' | 'category' | 'default' | 'none';
}

/** Category names compare case-insensitively and without a plural "s": "Laptops" is "laptop". */
export function categoryKey(category: string): string {
  const k = category.trim().toLowerCase();
  return k.endsWith('s') && k.length > 1 ? k.slice(0, -1) : k;
}

export function usefulLifeMonths(
  category: string | null,
  costs: CostPolicy,
): { months: number; fromCategory: boolean } {
  if (category) {
    const key = categoryKey(category);
    for (const [name, months] of Object.entries(costs.usefulLifeMonths)) {
      if (categoryKey(name) === key) return { months, fromCategory: true };
    }
  }
  return { months: costs.defaultUsefulLifeMonths, fromCategory: false };
}

export function usefulLife(asset: Depreciable, costs: CostPolicy): UsefulLife {
  const { months, fromCategory } = usefulLifeMonths(asset.category, costs);
  if (asset.expectedEndOfLife) return { months: null, endOfLife: asset.expectedEndOfLife, source: 'asset' };
  if (!asset.purchaseDate) return { months: null, endOfLife: null, source: 'none' };
  return { months, endOfLife: addMonths(asset.purchaseDate, months), source: fromCategory ? 'category' : 'default' };
}

/**
 * The book value on `day` (after that day's depreciation), unrounded. Before its purchase an
 * asset is worth its cost; on and after its end of life nothing (no salvage value: what it
 * fetches at disposal is the disposal's proceeds). Straight line writes off the same amount
 * each day; declining balance keeps (1 − factor / life in years) of the value each year,
 * compounded by the day, and writes off what is left at the end of life.
 */
export function bookValueOn(
  asset: Depreciable,
  day: string,
  method: DepreciationMethod,
  costs: CostPolicy,
): number | null {
  if (asset.purchaseCost === null) return null;
  const cost = asset.purchaseCost;
  const { endOfLife } = usefulLife(asset, costs);
  if (!asset.purchaseDate || !endOfLife) return cost;
  const life = daysBetween(asset.purchaseDate, endOfLife);
  const elapsed = daysBetween(asset.purchaseDate, day);
  if (elapsed <= 0) return cost;
  if (elapsed >= life || life <= 0) return 0;
  if (method === 'straight_line') return cost * (1 - elapsed / life);
  const rate = Math.min(1, costs.decliningBalanceFactor / (life / 365));
  return cost * (1 - rate) ** (elapsed / 365);
}

/** The book value on `day` in cents, and the depreciation charged over [from, to] (from's own day not charged). */
export function depreciation(
  asset: Depreciable,
  from: string,
  to: string,
  costs: CostPolicy,
  method: DepreciationMethod = costs.depreciation,
): { bookValue: number | null; depreciationInPeriod: number | null } {
  const end = bookValueOn(asset, to, method, costs);
  const start = bookValueOn(asset, previousDay(from), method, costs);
  if (end === null || start === null) return { bookValue: null, depreciationInPeriod: null };
  return { bookValue: cents(end), depreciationInPeriod: cents(start - end) };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
