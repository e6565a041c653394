import type { AssetStatus, CostPolicy, RefreshPolicy } from '@stocktake/shared/api';
import { cents, type Quarter, quartersFrom } from './dates.ts';
import { usefulLife } from './depreciation.ts';
import { CURRENT_MACOS, currentMacosDrops } from './macos-support.ts';
import type { CostedAsset } from './tco.ts';

/** Register statuses whose assets are still in service, and so will need replacing. */
export const IN_SERVICE: readonly AssetStatus[] = ['deployed', 'in_stock', 'in_repair'];

/** What the inventory tells of an asset's hardware, from the device linked to it. */
export interface HardwareHealth {
  hostname: string;
  batteries: { designCapacityWh?: number; fullCapacityWh?: number }[];
  memoryBytes: number | null;
  disks: { name?: string; wearPercent?: number }[];
  osName: string | null;
  cpuModel: string | null;
  /** The system model as the inventory has it: a Mac's model identifier (`MacBookPro15,1`). */
  systemModel: string | null;
}

export type SignalKind = 'age' | 'battery' | 'disk_wear' | 'memory' | 'os_upgrade';

/** Why an asset is due: its age, or a hardware signal with what the inventory showed. */
export interface RefreshSignal {
  kind: SignalKind;
  detail: string;
}

const GIB = 1024 ** 3;

/** Intel Core generations before the 8th and first-generation Ryzen are below Windows 11's processor list. */
function belowWindows11(cpu: string): boolean {
  const intel = /\bi[3579]-(\d{4,5})[A-Z]*\b/i.exec(cpu);
  if (intel?.[1]) {
    const n = intel[1];
    const generation = n.length === 5 ? Number(n.slice(0, 2)) : Number(n[0]);
    return generation < 8;
  }
  const ryzen = /\bRyzen\s+\d\s+(\d)\d{3}/i.exec(cpu);
  if (ryzen?.[1]) return Number(ryzen[1]) < 2;
  return false;
}

/** The hardware signals that call for replacing a machine now, each stated with what was seen. */
export function hardwareSignals(hw: HardwareHealth, policy: RefreshPolicy): RefreshSignal[] {
  const out: RefreshSignal[] = [];
  for (const b of hw.batteries) {
    if (!b.designCapacityWh || b.fullCapacityWh === undefined) continue;
    const health = b.fullCapacityWh / b.designCapacityWh;
    if (health < policy.minBatteryHealth) {
      out.push({
        kind: 'battery',
        detail: `battery holds ${Math.round(health * 100)}% of its design capacity (${b.fullCapacityWh} of ${b.designCapacityWh} Wh; minimum ${Math.round(policy.minBatteryHealth * 100)}%)`,
      });
    }
  }
  for (const d of hw.disks) {
    if (d.wearPercent !== undefined && d.wearPercent >= policy.maxDiskWear) {
      out.push({
        kind: 'disk_wear',
        detail:
          `disk ${d.name ?? ''} has used ${d.wearPercent}% of its endurance (limit ${policy.maxDiskWear}%)`.replace(
            '  ',
            ' ',
          ),
      });
    }
  }
  if (hw.memoryBytes !== null && hw.memoryBytes < policy.minMemoryGiB * GIB) {
    out.push({
      kind: 'memory',
      detail: `${formatGiB(hw.memoryBytes)} GiB of memory, below the ${policy.minMemoryGiB} GiB minimum`,
    });
  }
  if (hw.osName && /windows 10/i.test(hw.osName) && hw.cpuModel && belowWindows11(hw.cpuModel)) {
    out.push({
      kind: 'os_upgrade',
      detail: `runs ${hw.osName} on ${hw.cpuModel}, below the Windows 11 processor list: cannot upgrade`,
    });
  }
  if (hw.systemModel && currentMacosDrops(hw.systemModel)) {
    out.push({
      kind: 'os_upgrade',
      detail: `macOS ${CURRENT_MACOS.name} does not support this model (${hw.systemModel.trim()})`,
    });
  }
  return out;
}

function formatGiB(bytes: number): string {
  return (Math.round((bytes / GIB) * 10) / 10).toString();
}

/** One asset due for replacement within the forecast. */
export interface RefreshItem {
  assetId: string;
  assetTag: string;
  model: string | null;
  category: string | null;
  costCenter: string | null;
  location: string | null;
  hostname: string | null;
  purchaseDate: string | null;
  endOfLife: string | null;
  /** The quarter it is due in: the first for hardware signals and an end of life already past. */
  quarter: string;
  signals: RefreshSignal[];
  replacementCost: number | null;
}

export interface QuarterBudget extends Quarter {
  assets: number;
  budget: number;
  /** Assets due without a known replacement cost (not in the budget). */
  unpriced: number;
}

export interface RefreshForecast {
  quarters: QuarterBudget[];
  items: RefreshItem[];
}

/**
 * Replacement cost per model: the policy's figure, else what the latest purchase of that model
 * cost (by purchase date; the register's own record of prices).
 */
export function replacementCosts(assets: readonly CostedAsset[], costs: CostPolicy): Map<string, number> {
  const latest = new Map<string, { date: string; cost: number }>();
  for (const a of assets) {
    if (!a.model || a.purchaseCost === null || !a.purchaseDate) continue;
    const seen = latest.get(a.model);
    if (!seen || a.purchaseDate > seen.date) latest.set(a.model, { date: a.purchaseDate, cost: a.purchaseCost });
  }
  const out = new Map([...latest].map(([model, l]) => [model, l.cost]));
  for (const [model, cost] of Object.entries(costs.replacementCost)) out.set(model, cost);
  return out;
}

/**
 * Assets in service due for replacement in the `count` quarters from `asOf`'s: by their end of
 * life (a past one falls in the first quarter) or, sooner, by a hardware signal from the device
 * linked to them. Each item says every reason that applies.
 */
export function refreshForecast(
  assets: readonly CostedAsset[],
  health: ReadonlyMap<string, HardwareHealth>,
  policy: { costs: CostPolicy; refresh: RefreshPolicy },
  asOf: string,
  count = 8,
): RefreshForecast {
  const quarters = quartersFrom(asOf, count);
  const first = quarters[0] as Quarter;
  const last = quarters[quarters.length - 1] as Quarter;
  const prices = replacementCosts(assets, policy.costs);
  const items: RefreshItem[] = [];
  for (const a of assets) {
    if (!IN_SERVICE.includes(a.status)) continue;
    const hw = health.get(a.id);
    const signals = hw ? hardwareSignals(hw, policy.refresh) : [];
    const { endOfLife } = usefulLife(a, policy.costs);
    const aged = endOfLife !== null && endOfLife <= last.end;
    if (aged) {
      signals.unshift({
        kind: 'age',
        detail: endOfLife < asOf ? `end of life ${endOfLife}, already past` : `end of life ${endOfLife}`,
      });
    }
    if (signals.length === 0) continue;
    const hardwareDue = signals.some((s) => s.kind !== 'age');
    const due = hardwareDue || !endOfLife || endOfLife < first.start ? first : quarters.find((q) => endOfLife <= q.end);
    items.push({
      assetId: a.id,
      assetTag: a.assetTag,
      model: a.model,
      category: a.category,
      costCenter: a.costCenter,
      location: a.location,
      hostname: hw?.hostname ?? null,
      purchaseDate: a.purchaseDate,
      endOfLife,
      quarter: (due ?? first).label,
      signals,
      replacementCost: a.model ? (prices.get(a.model) ?? null) : null,
    });
  }
  items.sort((x, y) => x.quarter.localeCompare(y.quarter) || x.assetTag.localeCompare(y.assetTag));
  return {
    quarters: quarters.map((q) => {
      const due = items.filter((i) => i.quarter === q.label);
      return {
        ...q,
        assets: due.length,
        budget: cents(due.reduce((n, i) => n + (i.replacementCost ?? 0), 0)),
        unpriced: due.filter((i) => i.replacementCost === null).length,
      };
    }),
    items,
  };
}
