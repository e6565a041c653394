import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../findings/policies.ts';
import { addMonths, quarterOf, quartersFrom } from './dates.ts';
import { bookValueOn, depreciation, usefulLife } from './depreciation.ts';
import { type HardwareHealth, refreshForecast } from './refresh.ts';
import { renewalCalendar } from './renewals.ts';
import { assetCost, attributeLicenses, type CostedAsset, rollups, totalsOf } from './tco.ts';

const policy = defaultPolicy();
const costs = policy.costs;
const YEAR = { from: '2026-01-01', to: '2026-12-31' };

function asset(over: Partial<CostedAsset> & { id: string }): CostedAsset {
  return {
    assetTag: over.id.toUpperCase(),
    name: null,
    model: null,
    category: null,
    costCenter: null,
    location: null,
    status: 'deployed',
    purchaseDate: null,
    purchaseCost: null,
    expectedEndOfLife: null,
    support: null,
    disposal: null,
    ...over,
  };
}

// A laptop bought mid-year: 48 months from 2026-07-01 is 2030-07-01, 1,461 days; by 2026-12-31
// 183 of them have passed, so a 1,461 cost loses exactly 1 a day.
const laptop = asset({
  id: 'lap-1',
  model: 'Latitude 5440',
  category: 'Laptops',
  costCenter: 'CC-100',
  location: 'Berlin',
  purchaseDate: '2026-07-01',
  purchaseCost: 1461,
});
// A desktop disposed of mid-year with proceeds of 150: 60 months from 2022-01-01 are 1,826 days,
// so a 1,826 cost loses 1 a day, 181 days of 2026 until its disposal on 2026-06-30.
const desktop = asset({
  id: 'desk-1',
  model: 'OptiPlex 7010',
  category: 'Desktop',
  costCenter: 'CC-100',
  location: 'Paris',
  status: 'disposed',
  purchaseDate: '2022-01-01',
  purchaseCost: 1826,
  disposal: { date: '2026-06-30', proceeds: 150 },
});
// A server with a support contract: 72 months, 2,192 days from 2024-01-01; 1,095 gone by 2026-12-31.
const server = asset({
  id: 'srv-1',
  model: 'PowerEdge R760',
  category: 'servers',
  costCenter: 'CC-200',
  location: 'Berlin',
  purchaseDate: '2024-01-01',
  purchaseCost: 6000,
  support: { cost: 1200, start: '2024-01-01', end: '2027-01-31' },
});

describe('useful life and depreciation', () => {
  it('takes the category’s life (plural or not, any case), the default without one, the asset’s own end over both', () => {
    expect(usefulLife(laptop, costs)).toEqual({ months: 48, endOfLife: '2030-07-01', source: 'category' });
    expect(usefulLife(server, costs).endOfLife).toBe('2030-01-01');
    expect(usefulLife(asset({ id: 'x', category: 'Printer', purchaseDate: '2026-01-31' }), costs)).toEqual({
      months: 48,
      endOfLife: '2030-01-31',
      source: 'default',
    });
    expect(usefulLife({ ...laptop, expectedEndOfLife: '2028-07-01' }, costs).source).toBe('asset');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
  });

  it('writes a mid-year purchase down by the day, straight line', () => {
    expect(depreciation(laptop, YEAR.from, YEAR.to, costs)).toEqual({ bookValue: 1278, depreciationInPeriod: 183 });
    expect(depreciation(server, YEAR.from, YEAR.to, costs)).toEqual({
      bookValue: 3002.74, // 6000 × (2192 − 1095) / 2192
      depreciationInPeriod: 999.09, // 6000 × 365 / 2192
    });
    expect(bookValueOn(laptop, '2026-06-30', 'straight_line', costs)).toBe(1461);
    expect(bookValueOn(laptop, '2030-07-01', 'straight_line', costs)).toBe(0);
  });

  it('declining balance keeps (1 − factor / life in years) of the value each year, and ends at zero', () => {
    // Five years of 365 days: double declining keeps 60% a year.
    const a = asset({ id: 'db', purchaseDate: '2025-01-01', purchaseCost: 1000, expectedEndOfLife: '2029-12-31' });
    expect(bookValueOn(a, '2026-01-01', 'declining_balance', costs)).toBeCloseTo(600, 9);
    expect(bookValueOn(a, '2027-01-01', 'declining_balance', costs)).toBeCloseTo(360, 9);
    expect(bookValueOn(a, '2029-12-31', 'declining_balance', costs)).toBe(0);
    expect(depreciation(a, '2026-01-02', '2027-01-01', costs, 'declining_balance')).toEqual({
      bookValue: 360,
      depreciationInPeriod: 240,
    });
  });
});

describe('TCO', () => {
  // A device seat of 50 on the laptop; a user seat of 120 for a person using the laptop and the
  // server, shared by both; a seat on a device the register does not know stays unattributed.
  const attribution = attributeLicenses(
    [
      { product: 'Acme CAD', metric: 'per_device', costPerSeat: 50, seats: [{ key: 'd1', deviceIds: ['d1'] }] },
      {
        product: 'Acme Office',
        metric: 'per_user',
        costPerSeat: 120,
        seats: [
          { key: 'alice', deviceIds: ['d1', 'd3'] },
          { key: 'bob', deviceIds: ['d9'] },
        ],
      },
      { product: 'Unpriced', metric: 'per_device', costPerSeat: null, seats: [{ key: 'd1', deviceIds: ['d1'] }] },
    ],
    new Map([
      ['d1', 'lap-1'],
      ['d3', 'srv-1'],
    ]),
  );

  it('attributes device seats by install and user seats by the user’s devices', () => {
    expect(Object.fromEntries(attribution.byAsset)).toEqual({ 'lap-1': 110, 'srv-1': 60 });
    expect(attribution.unattributed).toBe(120);
  });

  const rows = [laptop, desktop, server].map((a) => assetCost(a, attribution.byAsset.get(a.id) ?? 0, YEAR, costs));

  it('adds purchase, support and licenses and takes off disposal proceeds, per asset', () => {
    expect(
      rows.map((r) => [
        r.assetTag,
        r.purchaseCost,
        r.bookValue,
        r.supportCost,
        r.licenseCost,
        r.disposalProceeds,
        r.tco,
      ]),
    ).toEqual([
      ['LAP-1', 1461, 1278, 0, 110, 0, 1571],
      ['DESK-1', 1826, 0, 0, 0, 150, 1676],
      ['SRV-1', 6000, 3002.74, 1200, 60, 0, 7260],
    ]);
  });

  it('rolls up by cost centre, location, category and model', () => {
    const r = rollups(rows);
    const of = (dimension: string, value: string | null) =>
      r.find((x) => x.dimension === dimension && x.value === value);
    expect(of('costCenter', 'CC-100')).toMatchObject({ assets: 2, purchaseCost: 3287, bookValue: 1278, tco: 3247 });
    expect(of('location', 'Berlin')).toMatchObject({ assets: 2, tco: 8831, supportCost: 1200, licenseCost: 170 });
    expect(of('category', 'Desktop')).toMatchObject({
      assets: 1,
      disposalProceeds: 150,
      tco: 1676,
      depreciationInPeriod: 181,
    });
    expect(r.filter((x) => x.dimension === 'model')).toHaveLength(3);
    expect(totalsOf(rows)).toMatchObject({ assets: 3, tco: 10_507, depreciationInPeriod: 1363.09 });
  });
});

describe('refresh forecast', () => {
  const asOf = '2026-12-07';
  // Bought 2023-03-15: four years end 2027-03-15, in 2027-Q1.
  const aged = asset({
    id: 'old',
    model: 'Latitude 5440',
    category: 'Laptop',
    purchaseDate: '2023-03-15',
    purchaseCost: 1100,
  });
  // Young, but its battery holds 38 of 50 Wh (76%); its model's latest purchase (`fine`) cost 1,250.
  const worn = asset({
    id: 'worn',
    model: 'ThinkPad T14',
    category: 'Laptop',
    purchaseDate: '2025-06-01',
    purchaseCost: 1300,
  });
  const healthy = asset({
    id: 'fine',
    model: 'ThinkPad T14',
    category: 'Laptop',
    purchaseDate: '2026-02-01',
    purchaseCost: 1250,
  });
  const gone = asset({ id: 'gone', status: 'disposed', purchaseDate: '2020-01-01', purchaseCost: 1000 });
  const hw = (battery: [number, number]) => ({
    hostname: 'h',
    batteries: [{ designCapacityWh: battery[1], fullCapacityWh: battery[0] }],
    memoryBytes: 16 * 1024 ** 3,
    disks: [],
    osName: 'Ubuntu 24.04',
    cpuModel: null,
    systemModel: 'Latitude 7440',
  });
  const forecast = refreshForecast(
    [aged, worn, healthy, gone, laptop],
    new Map([
      ['worn', hw([38, 50])],
      ['fine', hw([45, 50])],
    ]),
    { ...policy, costs: { ...costs, replacementCost: { 'Latitude 5440': 1400 } } },
    asOf,
  );

  it('puts an aged asset in the quarter of its end of life and a worn battery in the first, each with its reason', () => {
    expect(forecast.items.map((i) => [i.assetTag, i.quarter, i.signals.map((s) => s.kind), i.replacementCost])).toEqual(
      [
        ['WORN', '2026-Q4', ['battery'], 1250],
        ['OLD', '2027-Q1', ['age'], 1400],
      ],
    );
    expect(forecast.items[0]?.signals[0]?.detail).toBe(
      'battery holds 76% of its design capacity (38 of 50 Wh; minimum 80%)',
    );
  });

  it('budgets eight quarters by the latest purchase of each model, or the policy’s price', () => {
    expect(forecast.quarters.map((q) => q.label)).toEqual(quartersFrom(asOf, 8).map((q) => q.label));
    expect(forecast.quarters[0]).toMatchObject({ label: '2026-Q4', assets: 1, budget: 1250, unpriced: 0 });
    expect(forecast.quarters[1]).toMatchObject({
      label: '2027-Q1',
      start: '2027-01-01',
      end: '2027-03-31',
      budget: 1400,
    });
    expect(forecast.quarters.slice(2).every((q) => q.assets === 0)).toBe(true);
    expect(quarterOf('2028-09-30').label).toBe('2028-Q3');
  });

  it('states memory, disk wear and an OS the processor cannot take', () => {
    const slow = refreshForecast(
      [asset({ id: 'pc', purchaseDate: '2025-01-01', category: 'Desktop' })],
      new Map([
        [
          'pc',
          {
            hostname: 'pc',
            batteries: [],
            memoryBytes: 4 * 1024 ** 3,
            disks: [{ name: 'nvme0n1', wearPercent: 97 }],
            osName: 'Windows 10 Pro',
            cpuModel: 'Intel(R) Core(TM) i5-7500 CPU @ 3.40GHz',
            systemModel: 'OptiPlex 7050',
          },
        ],
      ]),
      policy,
      asOf,
    );
    expect(slow.items[0]?.signals.map((s) => s.detail)).toEqual([
      'disk nvme0n1 has used 97% of its endurance (limit 90%)',
      '4 GiB of memory, below the 8 GiB minimum',
      'runs Windows 10 Pro on Intel(R) Core(TM) i5-7500 CPU @ 3.40GHz, below the Windows 11 processor list: cannot upgrade',
    ]);
    expect(slow.quarters[0]).toMatchObject({ assets: 1, unpriced: 1, budget: 0 });
  });
});

describe('macOS support', () => {
  it('states the Macs the current macOS drops, per asset, and not the ones it runs on', () => {
    const mac = (id: string, systemModel: string): [string, HardwareHealth] => [
      id,
      {
        hostname: id,
        batteries: [],
        memoryBytes: 16 * 1024 ** 3,
        disks: [],
        osName: 'macOS 15.7',
        cpuModel: null,
        systemModel,
      },
    ];
    const asOf = '2026-12-07';
    // Bought this year: no age signal within the 8 quarters, only the hardware's.
    const recent = { purchaseDate: '2026-06-01', category: 'Laptop' };
    const forecast = refreshForecast(
      [
        asset({ id: 'mbp-2018', assetTag: 'MAC-1', ...recent }),
        asset({ id: 'mbp-2020-two-ports', assetTag: 'MAC-2', ...recent }),
        asset({ id: 'mbp-2020-four-ports', assetTag: 'MAC-3', ...recent }),
        asset({ id: 'air-m1', assetTag: 'MAC-4', ...recent }),
        asset({ id: 'studio', assetTag: 'MAC-5', ...recent }),
        asset({ id: 'imac-pro', assetTag: 'MAC-6', ...recent }),
        asset({ id: 'vm', assetTag: 'MAC-7', ...recent }),
      ],
      new Map([
        mac('mbp-2018', 'MacBookPro15,1'),
        mac('mbp-2020-two-ports', 'MacBookPro16,3'),
        mac('mbp-2020-four-ports', 'MacBookPro16,2'),
        mac('air-m1', 'MacBookAir10,1'),
        mac('studio', 'Mac13,1'),
        mac('imac-pro', 'iMacPro1,1'),
        mac('vm', 'VirtualMac2,1'),
      ]),
      policy,
      asOf,
    );
    expect(forecast.items.map((i) => [i.assetTag, i.quarter, i.signals.map((s) => `${s.kind}: ${s.detail}`)])).toEqual([
      ['MAC-1', '2026-Q4', ['os_upgrade: macOS Tahoe does not support this model (MacBookPro15,1)']],
      ['MAC-2', '2026-Q4', ['os_upgrade: macOS Tahoe does not support this model (MacBookPro16,3)']],
      ['MAC-6', '2026-Q4', ['os_upgrade: macOS Tahoe does not support this model (iMacPro1,1)']],
    ]);
  });
});

describe('renewal calendar', () => {
  it('shows seats owned, used and unused with their cost at renewal, in 90, 180 and 365 days', () => {
    const items = renewalCalendar(
      [
        {
          product: 'Acme CAD',
          metric: 'per_device',
          // 20 + 10 seats in term, 12 used: 18 unused, the earlier renewal (20 seats) takes 18 of them.
          entitlements: [
            { id: 'a', orderNumber: 'PO-1', seats: 20, termEnd: '2027-02-05', costPerSeat: 30 },
            { id: 'b', orderNumber: 'PO-2', seats: 10, termEnd: '2027-09-30', costPerSeat: 40 },
            { id: 'c', orderNumber: 'PO-3', seats: 5, termEnd: '2028-06-30', costPerSeat: 40 },
          ],
          seats: 30,
          used: 12,
          devices: 12,
          users: 9,
        },
      ],
      [{ assetTag: 'SRV-1', supplier: 'Dell', end: '2027-01-31', cost: 1200 }],
      '2026-12-07',
    );
    expect(
      items.map((i) => [
        i.subject,
        i.reference,
        i.window,
        i.daysLeft,
        i.seats,
        i.used,
        i.unused,
        i.renewalCost,
        i.unusedCost,
      ]),
    ).toEqual([
      ['SRV-1', 'Dell', 90, 55, null, null, null, 1200, null],
      ['Acme CAD', 'PO-1', 90, 60, 20, 12, 18, 600, 540],
      ['Acme CAD', 'PO-2', 365, 297, 10, 12, 0, 400, 0],
    ]);
  });
});
