import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../findings/policies.ts';
import { type CountedDevice, type InstallCounts, licenseCompliance, usageOf } from './compliance.ts';
import type { License } from './license-model.ts';

const now = new Date('2024-06-01T00:00:00.000Z');
const policy = defaultPolicy();

function license(over: Partial<License> = {}): License {
  return {
    id: 'lic-1',
    product: 'Office',
    publisher: null,
    namePattern: 'Office*',
    publisherPattern: null,
    versionRange: null,
    metric: 'per_device',
    seats: 3,
    termStart: null,
    termEnd: null,
    costPerSeat: null,
    orderNumber: null,
    notes: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...over,
  };
}

/** An inventory of three devices with Office, two of them used by alice. */
function inventory(): InstallCounts {
  const installs: CountedDevice[] = [
    { deviceId: 'd-2', hostname: 'b', user: 'alice', lastSeenAt: now.toISOString(), software: ['Office 16'] },
    { deviceId: 'd-1', hostname: 'a', user: 'alice', lastSeenAt: now.toISOString(), software: ['Office 16'] },
    { deviceId: 'd-3', hostname: 'c', user: null, lastSeenAt: now.toISOString(), software: ['Office 15'] },
  ];
  const counts: InstallCounts = {
    catalogue: async () => [
      { id: 1, name: 'Office', version: '16', publisher: null, source: 'registry' },
      { id: 2, name: 'Office', version: '15', publisher: null, source: 'registry' },
      { id: 3, name: 'Visio', version: '1', publisher: null, source: 'registry' },
    ],
    licenseUsage: async () => [],
    installsOf: async (ids) => (ids.length === 2 ? installs : []),
    consistently: (work) => work(counts),
  };
  return counts;
}

/** One license as a position of its own. */
const alone = (l: License) => ({ metric: l.metric, licenses: [l] });

describe('usageOf', () => {
  it('counts seats by the metric and says over, within or shelfware', () => {
    expect(usageOf(alone(license()), 4, 2, policy, now)).toMatchObject({
      used: 4,
      available: 0,
      over: 1,
      state: 'over',
    });
    expect(usageOf(alone(license({ metric: 'per_user' })), 4, 2, policy, now)).toMatchObject({
      used: 2,
      available: 1,
      over: 0,
      state: 'within',
    });
    const renewing = license({ seats: 20, termEnd: '2024-07-01', costPerSeat: 10.5 });
    expect(usageOf(alone(renewing), 4, 2, policy, now)).toMatchObject({
      state: 'shelfware',
      atRenewal: true,
      available: 16,
      unusedSeatsCost: 168,
    });
  });
});

describe('licenseCompliance', () => {
  it('counts each device under per_device, sorted by device id', async () => {
    const result = await licenseCompliance(inventory(), license(), [license()], policy, now);
    expect(result.matchedVersions).toBe(2);
    expect(result.usage).toMatchObject({ used: 3, devices: 3, users: 2, state: 'within' });
    expect(result.counted.map((c) => c.key)).toEqual(['d-1', 'd-2', 'd-3']);
  });

  it('counts each user once under per_user; a device with no known user counts as its own', async () => {
    const result = await licenseCompliance(inventory(), license({ metric: 'per_user' }), [], policy, now);
    expect(result.usage).toMatchObject({ used: 2, devices: 3, users: 2 });
    expect(result.counted.map((c) => [c.key, c.devices.map((d) => d.deviceId)])).toEqual([
      ['alice', ['d-2', 'd-1']],
      ['device:d-3', ['d-3']],
    ]);
  });
});

describe('a product position', () => {
  it('pools every order of the product under the metric; only entitlements in term lend seats', async () => {
    const book = [
      license({ id: 'po-1', orderNumber: 'PO-1', seats: 3 }),
      license({ id: 'po-2', orderNumber: 'PO-2', seats: 2, termEnd: '2024-12-31', costPerSeat: 10 }),
      license({ id: 'po-0', orderNumber: 'PO-0', seats: 40, termEnd: '2024-05-31' }),
      license({ id: 'users', orderNumber: 'PO-9', seats: 1, metric: 'per_user' }),
      license({ id: 'other', product: 'Visio', namePattern: 'Visio', seats: 1 }),
    ];
    const result = await licenseCompliance(inventory(), book[1] as License, book, policy, now);
    expect(result.product).toBe('Office');
    expect(result.usage).toMatchObject({
      seats: 5,
      used: 3,
      available: 2,
      over: 0,
      state: 'within',
      unusedSeatsCost: null,
    });
    expect(result.entitlements.map((e) => [e.id, e.current])).toEqual([
      ['po-0', false],
      ['po-1', true],
      ['po-2', true],
    ]);
    expect(result.counted.map((c) => c.key)).toEqual(['d-1', 'd-2', 'd-3']);
  });
});
