import type { Policy } from '@stocktake/shared/api';
import type { AuditRecord } from '../audit/ports.ts';
import type { AssetFact, DeviceFact, Finding } from '../findings/ports.ts';
import { type LicenseUsage, licenseCompliance } from '../licenses/compliance.ts';
import type { License } from '../licenses/license-model.ts';
import { isCurrent, poolsOf } from '../licenses/positions.ts';
import { allPages } from '../lists/all-pages.ts';
import type { Stores } from '../ports.ts';
import type { Asset } from '../register/asset-model.ts';
import type { StatusEvent } from '../register/ports.ts';
import type { Period } from './period.ts';
import type { HardwareHealth } from './refresh.ts';
import { IN_SERVICE } from './refresh.ts';
import type { CostedAsset, SeatHolders } from './tco.ts';

/** A disposal as the certificate register lists it: the record and who recorded it. */
export interface DisposalEntry {
  asset: Asset;
  event: StatusEvent;
}

/** A product's position now, with the entitlements it pools and the seats it holds. */
export interface PositionFacts {
  product: string;
  metric: License['metric'];
  licenses: License[];
  usage: LicenseUsage;
  holders: SeatHolders;
}

/** Everything the reports read, each kind once. */
export interface ReportFacts {
  policy: Policy;
  assets: Asset[];
  costed: CostedAsset[];
  disposals: DisposalEntry[];
  devices: DeviceFact[];
  assetFacts: AssetFact[];
  positions: PositionFacts[];
  health: Map<string, HardwareHealth>;
}

export type ReportReads = Pick<Stores, 'assets' | 'licenses' | 'facts' | 'inventory' | 'policies' | 'lists'>;

function costedOf(a: Asset, disposal: StatusEvent | undefined): CostedAsset {
  return {
    id: a.id,
    assetTag: a.assetTag,
    name: a.name,
    model: a.model,
    category: a.category,
    costCenter: a.costCenter,
    location: a.location,
    status: a.status,
    purchaseDate: a.purchaseDate,
    purchaseCost: a.purchaseCost,
    expectedEndOfLife: a.expectedEndOfLife,
    support: a.supportCost === null ? null : { cost: a.supportCost, start: a.supportStart, end: a.supportEnd },
    disposal: disposal?.disposal ? { date: disposal.disposal.date, proceeds: disposal.disposal.proceeds } : null,
  };
}

/** The latest move to disposed with its record, of an asset disposed of (or once disposed of and corrected since). */
async function disposalOf(stores: ReportReads, asset: Asset): Promise<StatusEvent | undefined> {
  const events = await stores.assets.statusEvents(asset.id);
  return events.filter((e) => e.to === 'disposed' && e.disposal).at(-1);
}

/** What the inventory tells of the hardware of each asset in service, from its most recently seen device. */
async function healthOf(
  stores: ReportReads,
  assets: readonly Asset[],
  devices: readonly DeviceFact[],
): Promise<Map<string, HardwareHealth>> {
  const latest = new Map<string, DeviceFact>();
  for (const d of devices) {
    if (!d.assetId) continue;
    const seen = latest.get(d.assetId);
    if (!seen || d.lastSeenAt > seen.lastSeenAt) latest.set(d.assetId, d);
  }
  const out = new Map<string, HardwareHealth>();
  for (const a of assets) {
    const fact = IN_SERVICE.includes(a.status) ? latest.get(a.id) : undefined;
    if (!fact) continue;
    const device = await stores.inventory.device(fact.id);
    if (!device) continue;
    const hw = device.hardware;
    const modules = hw?.memory?.modules?.reduce((n, m) => n + (m.sizeBytes ?? 0), 0) ?? 0;
    out.set(a.id, {
      hostname: device.hostname,
      batteries: hw?.batteries ?? [],
      // Installed modules when the agent saw them: the OS keeps some memory back from its total.
      memoryBytes: modules > 0 ? modules : (hw?.memory?.totalBytes ?? device.memoryBytes),
      disks: hw?.disks ?? [],
      osName: device.osName,
      cpuModel: device.cpuModel,
      systemModel: hw?.system?.model ?? null,
    });
  }
  return out;
}

async function positionsOf(stores: ReportReads, policy: Policy, now: Date): Promise<PositionFacts[]> {
  const licenses = await stores.licenses.all();
  const day = now.toISOString().slice(0, 10);
  const positions: PositionFacts[] = [];
  for (const pool of poolsOf(licenses)) {
    const first = pool.licenses[0] as License;
    const c = await licenseCompliance(stores.facts.installs, first, licenses, policy, now);
    const current = pool.licenses.filter((l) => isCurrent(l, day));
    const priced = current.length > 0 && current.every((l) => l.costPerSeat !== null);
    const seats = current.reduce((n, l) => n + l.seats, 0);
    const cost = current.reduce((n, l) => n + l.seats * (l.costPerSeat ?? 0), 0);
    positions.push({
      product: pool.product,
      metric: pool.metric,
      licenses: pool.licenses,
      usage: c.usage,
      holders: {
        product: pool.product,
        metric: pool.metric,
        costPerSeat: priced && seats > 0 ? cost / seats : null,
        seats: c.counted.map((k) => ({ key: k.key, deviceIds: k.devices.map((d) => d.deviceId) })),
      },
    });
  }
  return positions;
}

/** Reads what every report needs, once. */
export async function readReportFacts(stores: ReportReads, now: Date): Promise<ReportFacts> {
  const { policy } = await stores.policies.current();
  const assets: Asset[] = [];
  for await (const a of stores.assets.all()) assets.push(a);
  const disposals: DisposalEntry[] = [];
  const costed: CostedAsset[] = [];
  for (const a of assets) {
    const event = a.status === 'disposed' ? await disposalOf(stores, a) : undefined;
    if (event) disposals.push({ asset: a, event });
    costed.push(costedOf(a, event));
  }
  const devices = await stores.facts.devices();
  return {
    policy,
    assets,
    costed,
    disposals,
    devices,
    assetFacts: await stores.facts.assets(),
    positions: await positionsOf(stores, policy, now),
    health: await healthOf(stores, assets, devices),
  };
}

/** Unresolved findings now, most severe first as the list sorts them. */
export async function openFindings(stores: ReportReads): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const page of allPages(stores.lists.findings, { filters: { status: 'active' }, sort: '-severity' })) {
    out.push(...page);
  }
  return out;
}

/** Register changes (the audit trail) within the period, oldest first. */
export async function changesWithin(stores: ReportReads, period: Period, now: Date): Promise<AuditRecord[]> {
  const days = Math.min(
    3650,
    Math.max(1, Math.ceil((now.getTime() - Date.parse(`${period.from}T00:00:00Z`)) / 86_400_000) + 1),
  );
  const out: AuditRecord[] = [];
  for await (const page of allPages(stores.lists.audit, { filters: { withinDays: days }, sort: '-at' })) {
    for (const r of page) {
      const day = r.at.slice(0, 10);
      if (day >= period.from && day <= period.to) out.push(r);
    }
  }
  return out.reverse();
}
