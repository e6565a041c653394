import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const importCsv = (body: string, query = '') =>
  t.inject({
    method: 'POST',
    url: `/api/v1/licenses/import${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: body,
  });

describe('/api/v1/licenses', () => {
  it('creates with defaults, updates, lists, deletes, and audits every change', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/licenses',
      headers: await t.as('dana'),
      payload: {
        product: 'Adobe Acrobat Pro',
        seats: 25,
        versionRange: '>=23 <25',
        costPerSeat: 239.88,
        termEnd: '2027-06-30',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const license = created.json();
    expect(license).toMatchObject({
      product: 'Adobe Acrobat Pro',
      namePattern: 'Adobe Acrobat Pro',
      metric: 'per_device',
      seats: 25,
      orderNumber: null,
      costPerSeat: 239.88,
    });
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/v1/licenses/${license.id}`,
      payload: { seats: 30, metric: 'per_user' },
    });
    expect(patched.json()).toMatchObject({ seats: 30, metric: 'per_user' });
    expect((await t.inject({ url: '/api/v1/licenses' })).json().items).toHaveLength(1);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/licenses/${license.id}` })).statusCode).toBe(204);
    const audit = (await t.inject({ url: `/api/v1/audit?entityType=license&entityId=${license.id}` })).json().items;
    expect(audit.map((a: { action: string; actor: string }) => `${a.action}:${a.actor}`)).toEqual([
      'delete:test-admin',
      'update:test-admin',
      'create:dana',
    ]);
    expect(audit[1]).toMatchObject({
      before: { seats: 25, metric: 'per_device' },
      after: { seats: 30, metric: 'per_user' },
    });
  });

  it('refuses bad rules and duplicates without writing', async () => {
    await t.inject({
      method: 'POST',
      url: '/api/v1/licenses',
      payload: { product: 'X', seats: 1, orderNumber: 'PO-1' },
    });
    const before = dumpDatabase(t.store.sqlite);
    const bad = [
      { product: 'Y', seats: 1, versionRange: '>=>1' },
      { product: 'Y', seats: -1 },
      { product: 'Y', seats: 1, termStart: '2026-05-01', termEnd: '2026-04-01' },
      { product: 'Y', seats: 1, metric: 'per_cpu' },
      { product: 'Y' },
    ];
    for (const payload of bad) {
      const res = await t.inject({ method: 'POST', url: '/api/v1/licenses', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const dup = await t.inject({
      method: 'POST',
      url: '/api/v1/licenses',
      payload: { product: 'X', seats: 2, orderNumber: 'PO-1' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('imports CSV all or nothing keyed by product and order number, and exports it back', async () => {
    const header =
      'product,publisher,name_pattern,version_range,metric,seats,term_start,term_end,cost_per_seat,order_number,notes';
    const text = [
      header,
      'Microsoft 365 E3,Microsoft,Microsoft 365*,,per user,250,2026-01-01,2026-12-31,36.00,PO-77,',
      'Microsoft 365 E3,Microsoft,Microsoft 365*,,per user,50,2026-07-01,2026-12-31,36.00,PO-80,"mid-year top-up, prorated"',
      'Slack Pro,Slack,Slack*,,per_user,120,2026-02-01,2027-01-31,"$8.75",,',
    ].join('\r\n');
    const dry = await importCsv(text, '?dryRun=true');
    expect(dry.json()).toMatchObject({ dryRun: true, created: [{ line: 2 }, { line: 3 }, { line: 4 }] });
    expect((await t.inject({ url: '/api/v1/licenses' })).json().items).toEqual([]);
    expect((await importCsv(text)).statusCode).toBe(200);
    const list = (await t.inject({ url: '/api/v1/licenses' })).json().items;
    // Listed by product, then id (random): the two Microsoft 365 entitlements in either order.
    expect(list.map((l: { product: string; seats: number }) => `${l.product}:${l.seats}`).sort()).toEqual([
      'Microsoft 365 E3:250',
      'Microsoft 365 E3:50',
      'Slack Pro:120',
    ]);
    const before = dumpDatabase(t.store.sqlite);
    const exported = (await t.inject({ url: '/api/v1/licenses/export.csv' })).body;
    expect((await importCsv(exported)).json().unchanged).toHaveLength(3);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);

    const changed = text
      .replace('Slack*,,per_user,120', 'Slack*,,per_user,140')
      .concat('\r\nBad,,,>=x<,per_user,1,,,,,');
    const refused = await importCsv(changed);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { path: '/5/version_range', message: expect.stringContaining('line 5, version_range') },
    ]);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });
});
