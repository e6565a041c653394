import { compareSoftware, type SoftwareItem } from '@stocktake/shared';
import { makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const app = (name: string, version: string): SoftwareItem => ({ name, version, source: 'registry', publisher: 'Acme' });

async function report(spec: SnapshotSpec): Promise<string> {
  const agent = await enrolAgent(t.app);
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({
      agentId: agent.agentId,
      ...spec,
      software: [...(spec.software ?? [])].sort(compareSoftware),
    }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().deviceId;
}

const license = async (body: object) =>
  (await t.inject({ method: 'POST', url: '/api/v1/licenses', payload: body })).json();
const compliance = async (id: string, query = '') => {
  const res = await t.inject({ url: `/api/v1/licenses/${id}/compliance${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('GET /api/v1/licenses/:id/compliance', () => {
  it('counts devices with a matching install, and lists them with what matched', async () => {
    const a = await report({
      serial: 'A',
      hostname: 'a',
      software: [app('Acme CAD', '2024.1'), app('Acme CAD', '2023.0')],
    });
    const b = await report({ serial: 'B', hostname: 'b', software: [app('acme cad', '2024.2')] });
    await report({ serial: 'C', hostname: 'c', software: [app('Acme CAD', '2019.0')] });
    await report({ serial: 'D', hostname: 'd', software: [app('Acme Viewer', '2024.1')] });
    const l = await license({ product: 'Acme CAD', seats: 1, versionRange: '>=2023', costPerSeat: 100 });
    const c = await compliance(l.id);
    expect(c.usage).toEqual({
      metric: 'per_device',
      seats: 1,
      used: 2,
      devices: 2,
      users: 2,
      available: 0,
      over: 1,
      state: 'over',
      atRenewal: false,
      unusedSeatsCost: 0,
    });
    expect(c.matchedVersions).toBe(3);
    expect(c.counted.map((x: { key: string }) => x.key)).toEqual([a, b].sort());
    const first = c.counted.find((x: { key: string }) => x.key === a);
    expect(first.devices[0]).toMatchObject({ hostname: 'a', software: ['Acme CAD 2023.0', 'Acme CAD 2024.1'] });
    const page = await compliance(l.id, '?limit=1');
    expect(page.counted).toHaveLength(1);
    const rest = await compliance(l.id, `?limit=1&cursor=${page.nextCursor}`);
    expect(rest.counted.map((x: { key: string }) => x.key)).toEqual([[a, b].sort()[1]]);
    expect(rest.nextCursor).toBeNull();
  });

  it('counts distinct users per user: the last logged-in user, else the assignee, else the device itself', async () => {
    const user = (name: string) => ({ loggedIn: [], lastLoggedIn: { user: name } });
    await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      payload: { assetTag: 'L-4', serial: 'S4', assigneeUsername: 'Bob' },
    });
    await report({ serial: 'S1', software: [app('Acme Chat', '1')], users: user('alice') });
    await report({ serial: 'S2', software: [app('Acme Chat', '1')], users: user('CORP\\alice') });
    await report({ serial: 'S3', software: [app('Acme Chat', '1')], users: user('bob') });
    await report({ serial: 'S4', software: [app('Acme Chat', '1')] });
    const nobody = await report({ serial: 'S5', software: [app('Acme Chat', '1')] });
    const l = await license({
      product: 'Acme Chat',
      seats: 10,
      metric: 'per_user',
      termEnd: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
    });
    const c = await compliance(l.id);
    expect(c.usage).toMatchObject({ used: 3, devices: 5, users: 3, available: 7, state: 'shelfware', atRenewal: true });
    expect(c.counted.map((x: { key: string; devices: unknown[] }) => [x.key, x.devices.length])).toEqual([
      ['alice', 2],
      ['bob', 2],
      [`device:${nobody}`, 1],
    ]);
  });

  it('pools the seats of every order of a product: two orders of 3 and 2 seats hold 3 installs, no overuse', async () => {
    for (const serial of ['P1', 'P2', 'P3']) {
      await report({ serial, hostname: serial.toLowerCase(), software: [app('Adobe Acrobat Pro', '24.002')] });
    }
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const first = await license({
      product: 'Adobe Acrobat Pro',
      namePattern: 'Adobe Acrobat*',
      seats: 3,
      orderNumber: 'PO-1',
    });
    const second = await license({
      product: 'Adobe Acrobat Pro',
      namePattern: 'Adobe Acrobat*',
      seats: 2,
      orderNumber: 'PO-2',
      termStart: day(-200),
      termEnd: day(165),
    });
    // Ended: its seats no longer count, but it is shown.
    const ended = await license({
      product: 'Adobe Acrobat Pro',
      namePattern: 'Adobe Acrobat*',
      seats: 10,
      orderNumber: 'PO-0',
      termEnd: day(-1),
    });
    const c = await compliance(first.id);
    expect(c.product).toBe('Adobe Acrobat Pro');
    expect(c.usage).toMatchObject({ seats: 5, used: 3, available: 2, over: 0, state: 'within' });
    expect(
      c.entitlements.map((e: { orderNumber: string; seats: number; current: boolean }) => [
        e.orderNumber,
        e.seats,
        e.current,
      ]),
    ).toEqual([
      ['PO-0', 10, false],
      ['PO-1', 3, true],
      ['PO-2', 2, true],
    ]);
    // Asked through any of its orders, the position is the same.
    expect((await compliance(second.id)).usage).toEqual(c.usage);
    expect((await compliance(ended.id)).usage).toEqual(c.usage);

    const run = (await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).json();
    expect(run.counts.byType.license_overuse).toBeUndefined();
    const summary = (await t.inject({ url: '/api/v1/reports/summary' })).json();
    expect(summary.licenses).toEqual([
      expect.objectContaining({ product: 'Adobe Acrobat Pro', metric: 'per_device', usage: c.usage }),
    ]);

    // Six installs against the five seats in term: one over, the ended order lending none.
    for (const serial of ['P4', 'P5', 'P6']) {
      await report({ serial, hostname: serial.toLowerCase(), software: [app('Adobe Acrobat Pro', '24.002')] });
    }
    await t.inject({ method: 'POST', url: '/api/v1/reconciliations' });
    const found = (await t.inject({ url: '/api/v1/findings?type=license_overuse' })).json().items;
    expect(found).toEqual([
      expect.objectContaining({
        subject: { kind: 'product', id: 'Adobe Acrobat Pro', subKey: 'per_device' },
        summary: 'Adobe Acrobat Pro: 6 devices use it, 5 seats licensed over 2 orders (PO-1, PO-2) (1 over)',
        evidence: expect.objectContaining({
          facts: { product: 'Adobe Acrobat Pro', metric: 'per_device', seats: 5, used: 6 },
        }),
      }),
    ]);
    // Findings about any of the product's licenses find it.
    const byLicense = (await t.inject({ url: `/api/v1/findings?licenseId=${ended.id}` })).json().items;
    expect(byLicense.map((f: { type: string }) => f.type)).toEqual(['license_overuse']);
  });

  it('answers 404 for an unknown license and 400 for a bad cursor', async () => {
    expect((await t.inject({ url: '/api/v1/licenses/nope/compliance' })).statusCode).toBe(404);
    const l = await license({ product: 'X', seats: 1 });
    expect((await t.inject({ url: `/api/v1/licenses/${l.id}/compliance?cursor=zz` })).statusCode).toBe(400);
  });
});
