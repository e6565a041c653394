import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, enrolAgent, ingestAt, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const send = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, actor = 'bob@example.com') =>
  t.inject({ method, url, headers: await t.as(actor), ...(payload ? { payload } : {}) });

async function create(body: object) {
  const res = await send('POST', '/api/v1/assets', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string } & Record<string, unknown>;
}

const disposal = { method: 'destroy', certificateRef: 'CERT-2026-118', vendor: 'Shred-It', date: '2026-11-20' };

describe('assets CRUD', () => {
  it('creates, reads, updates and deletes an asset, auditing each change with who did it', async () => {
    const asset = await create({
      assetTag: 'LT-1001',
      serial: ' 7xk3qw3 ',
      macs: ['3C-22-FB-7A-19-C4'],
      hardwareUuid: '4C4C4544-0042-3510-8052-B4C04F4D3232',
      purchaseDate: '2024-01-31',
      warrantyMonths: 1,
      purchaseCost: 1249.5,
      costCenter: 'CC-100',
      expectedEndOfLife: '2028-01-31',
    });
    expect(asset).toMatchObject({
      assetTag: 'LT-1001',
      serial: '7xk3qw3',
      macs: ['3c:22:fb:7a:19:c4'],
      hardwareUuid: '4c4c4544-0042-3510-8052-b4c04f4d3232',
      status: 'in_stock',
      warrantyEnd: '2024-02-29',
      purchaseCost: 1249.5,
      lockedFields: ['serial', 'hardwareUuid', 'macs'],
    });
    const updated = await send('PATCH', `/api/v1/assets/${asset.id}`, { location: 'HQ', purchaseCost: null });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ location: 'HQ', purchaseCost: null });
    const detail = (await t.inject({ url: `/api/v1/assets/${asset.id}` })).json();
    expect(detail.statusEvents).toEqual([
      expect.objectContaining({
        from: null,
        to: 'in_stock',
        actor: 'bob@example.com',
        correction: false,
        disposal: null,
      }),
    ]);
    expect((await send('DELETE', `/api/v1/assets/${asset.id}`)).statusCode).toBe(204);
    expect((await t.inject({ url: `/api/v1/assets/${asset.id}` })).statusCode).toBe(404);

    const audit = (await t.inject({ url: `/api/v1/audit?entityId=${asset.id}` })).json().items;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['delete', 'update', 'create']);
    expect(audit.every((a: { actor: string }) => a.actor === 'bob@example.com')).toBe(true);
    expect(audit[1]).toMatchObject({
      before: { location: null, purchaseCost: 1249.5 },
      after: { location: 'HQ', purchaseCost: null },
    });
    expect(audit[0].before).toMatchObject({
      assetTag: 'LT-1001',
      statusEvents: [expect.objectContaining({ to: 'in_stock' })],
    });
  });

  it('records the name of the token that made a change as its actor, and a reader token may not write', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'A-1' } });
    const audit = (await t.inject({ url: `/api/v1/audit?entityId=${res.json().id}` })).json().items;
    expect(audit[0].actor).toBe('test-admin');
    const reader = await t.as('viewer', 'reader');
    const before = dumpDatabase(t.store.sqlite);
    const refused = await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: reader,
      payload: { assetTag: 'A-2' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const after = dumpDatabase(t.store.sqlite);
    expect(after.audit_log).toEqual(before.audit_log);
    expect(after.assets).toEqual(before.assets);
  });

  it('pages the register by asset tag and filters by status', async () => {
    for (const tag of ['C-3', 'A-1', 'B-2'])
      await create({ assetTag: tag, status: tag === 'B-2' ? 'deployed' : 'in_stock' });
    const first = (await t.inject({ url: '/api/v1/assets?limit=2' })).json();
    expect(first.items.map((a: { assetTag: string }) => a.assetTag)).toEqual(['A-1', 'B-2']);
    const second = (await t.inject({ url: `/api/v1/assets?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second.items.map((a: { assetTag: string }) => a.assetTag)).toEqual(['C-3']);
    expect(second.nextCursor).toBeNull();
    const deployed = (await t.inject({ url: '/api/v1/assets?status=deployed' })).json();
    expect(deployed.items.map((a: { assetTag: string }) => a.assetTag)).toEqual(['B-2']);
    expect((await t.inject({ url: '/api/v1/assets?cursor=nonsense' })).statusCode).toBe(400);
  });
});

describe('the asset lifecycle', () => {
  it('walks planned → ordered → in stock → deployed ⇄ in repair → retired → disposed as events', async () => {
    const asset = await create({ assetTag: 'LT-2001', status: 'planned' });
    for (const status of ['ordered', 'in_stock', 'deployed', 'in_repair', 'deployed', 'retired']) {
      const res = await send('PATCH', `/api/v1/assets/${asset.id}`, { status, statusNote: `to ${status}` });
      expect(res.statusCode, res.body).toBe(200);
    }
    const final = await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'disposed', disposal });
    expect(final.statusCode, final.body).toBe(200);
    const detail = (await t.inject({ url: `/api/v1/assets/${asset.id}` })).json();
    expect(detail.statusEvents.map((e: { from: string | null; to: string }) => `${e.from}→${e.to}`)).toEqual([
      'null→planned',
      'planned→ordered',
      'ordered→in_stock',
      'in_stock→deployed',
      'deployed→in_repair',
      'in_repair→deployed',
      'deployed→retired',
      'retired→disposed',
    ]);
    expect(detail.statusEvents.at(-1).disposal).toEqual({ ...disposal, notes: null, proceeds: null });
    const audit = (await t.inject({ url: `/api/v1/audit?entityId=${asset.id}&limit=1` })).json().items[0];
    expect(audit).toMatchObject({
      action: 'status',
      before: { status: 'retired' },
      after: { status: 'disposed', disposal },
    });
  });

  it('refuses moves the lifecycle forbids, disposal without a record, and leaving disposed, changing nothing', async () => {
    const asset = await create({ assetTag: 'LT-3001', status: 'deployed' });
    const before = dumpDatabase(t.store.sqlite);
    const skip = await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'disposed', disposal });
    expect(skip.statusCode).toBe(400);
    expect(skip.json().errors).toEqual([
      { path: '/status', message: expect.stringContaining('cannot go from deployed to disposed') },
    ]);
    await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'retired' });
    const bare = await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'disposed' });
    expect(bare.json().errors).toEqual([{ path: '/disposal', message: expect.stringContaining('is required') }]);
    const badMethod = await send('PATCH', `/api/v1/assets/${asset.id}`, {
      status: 'disposed',
      disposal: { ...disposal, method: 'microwave' },
    });
    expect(badMethod.statusCode).toBe(400);
    const stray = await send('PATCH', `/api/v1/assets/${asset.id}`, { location: 'x', disposal });
    expect(stray.json().errors[0].path).toBe('/disposal');
    expect((await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'disposed', disposal })).statusCode).toBe(200);
    const after = dumpDatabase(t.store.sqlite);
    const back = await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'in_stock' });
    expect(back.json().errors[0].message).toContain('disposed is final');
    expect(dumpDatabase(t.store.sqlite)).toEqual(after);
    expect(before).not.toEqual(after);
  });

  it('lets an administrator correct a status with a reason, recorded as a correction', async () => {
    const asset = await create({ assetTag: 'LT-4001', status: 'retired' });
    await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'disposed', disposal });
    const noReason = await send('PATCH', `/api/v1/assets/${asset.id}`, {
      status: 'in_stock',
      correction: { reason: ' ' },
    });
    expect(noReason.statusCode).toBe(400);
    const fixed = await send(
      'PATCH',
      `/api/v1/assets/${asset.id}`,
      { status: 'in_stock', correction: { reason: 'disposed by mistake: wrong tag scanned' } },
      'admin@example.com',
    );
    expect(fixed.statusCode, fixed.body).toBe(200);
    const events = (await t.inject({ url: `/api/v1/assets/${asset.id}` })).json().statusEvents;
    expect(events.at(-1)).toMatchObject({
      from: 'disposed',
      to: 'in_stock',
      correction: true,
      actor: 'admin@example.com',
      note: 'disposed by mistake: wrong tag scanned',
    });
  });
});

describe('the register keeps its evidence', () => {
  const DAY = 86_400_000;
  const dayOffset = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

  it('refuses to delete a disposed asset, keeping it and its disposal record; a correction stays possible', async () => {
    const asset = await create({ assetTag: 'LT-5001', status: 'retired' });
    expect((await send('PATCH', `/api/v1/assets/${asset.id}`, { status: 'disposed', disposal })).statusCode).toBe(200);
    const before = dumpDatabase(t.store.sqlite);
    const refused = await send('DELETE', `/api/v1/assets/${asset.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('cannot be deleted, only corrected');
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
    const detail = (await t.inject({ url: `/api/v1/assets/${asset.id}` })).json();
    expect(detail.statusEvents.at(-1).disposal).toMatchObject(disposal);

    // Corrected out of disposed, it still holds the record, and still is not deleted.
    const fixed = await send('PATCH', `/api/v1/assets/${asset.id}`, {
      status: 'in_stock',
      correction: { reason: 'wrong tag scanned' },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect((await send('DELETE', `/api/v1/assets/${asset.id}`)).statusCode).toBe(409);
    const audit = (await t.inject({ url: `/api/v1/audit?entityId=${asset.id}&limit=1` })).json().items[0];
    expect(audit).toMatchObject({ action: 'status', after: { status: 'in_stock', correction: 'wrong tag scanned' } });
  });

  it('refuses a disposal dated in the future, writing nothing', async () => {
    const asset = await create({ assetTag: 'LT-5002', status: 'retired' });
    const before = dumpDatabase(t.store.sqlite);
    const res = await send('PATCH', `/api/v1/assets/${asset.id}`, {
      status: 'disposed',
      disposal: { ...disposal, date: dayOffset(3) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/disposal/date', message: expect.stringContaining('in the future') }]);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
    const today = await send('PATCH', `/api/v1/assets/${asset.id}`, {
      status: 'disposed',
      disposal: { ...disposal, date: dayOffset(0) },
    });
    expect(today.statusCode, today.body).toBe(200);
  });

  it('asks for force to dispose of an asset whose device reported within the policy’s days', async () => {
    const { agentToken } = await enrolAgent(t.app);
    const recent = await create({ assetTag: 'LT-5003', status: 'retired', serial: 'SN-RECENT' });
    await ingestAt(
      t.app,
      agentToken,
      makeSnapshot({ hostname: 'ws-recent', serial: 'SN-RECENT' }),
      new Date(Date.now() - 2 * DAY),
    );
    const linked = (await t.inject({ url: `/api/v1/assets/${recent.id}` })).json().devices;
    expect(linked).toHaveLength(1);

    const before = dumpDatabase(t.store.sqlite);
    const asked = await send('PATCH', `/api/v1/assets/${recent.id}`, { status: 'disposed', disposal });
    expect(asked.statusCode).toBe(409);
    expect(asked.json().errors).toEqual([{ path: '/force', message: expect.stringContaining('within 14 days') }]);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
    const forced = await send('PATCH', `/api/v1/assets/${recent.id}`, { status: 'disposed', disposal, force: true });
    expect(forced.statusCode, forced.body).toBe(200);

    // The policy sets the window: with 1 day, a device silent for 2 days asks nothing.
    await t.inject({ method: 'PUT', url: '/api/v1/policies', payload: { disposalRecentContactDays: 1 } });
    const quiet = await create({ assetTag: 'LT-5004', status: 'retired', serial: 'SN-QUIET' });
    const second = await enrolAgent(t.app);
    await ingestAt(
      t.app,
      second.agentToken,
      makeSnapshot({ hostname: 'ws-quiet', serial: 'SN-QUIET' }),
      new Date(Date.now() - 2 * DAY),
    );
    const plain = await send('PATCH', `/api/v1/assets/${quiet.id}`, { status: 'disposed', disposal });
    expect(plain.statusCode, plain.body).toBe(200);
  });
});

describe('bad input never damages stored data', () => {
  it('refuses invalid fields, a duplicate tag, unknown fields and unknown ids without writing', async () => {
    const a = await create({ assetTag: 'T-1' });
    await create({ assetTag: 'T-2' });
    const before = dumpDatabase(t.store.sqlite);
    const cases: [string, object][] = [
      [`/api/v1/assets/${a.id}`, { purchaseDate: '2023-02-30' }],
      [`/api/v1/assets/${a.id}`, { macs: ['not-a-mac'] }],
      [`/api/v1/assets/${a.id}`, { hardwareUuid: '00000000-0000-0000-0000-000000000000' }],
      [`/api/v1/assets/${a.id}`, { purchaseCost: 10.005 }],
      [`/api/v1/assets/${a.id}`, { name: 'bell\u0007' }],
      [`/api/v1/assets/${a.id}`, { assetTag: '   ' }],
      [`/api/v1/assets/${a.id}`, { shoeSize: 44 }],
      [`/api/v1/assets/${a.id}`, { purchaseDate: '2024-01-01', warrantyMonths: 12, warrantyEnd: '2026-01-01' }],
      [`/api/v1/assets/${a.id}`, { unlockFields: ['location'] }],
    ];
    for (const [url, body] of cases) {
      const res = await send('PATCH', url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const dup = await send('PATCH', `/api/v1/assets/${a.id}`, { assetTag: 'T-2' });
    expect(dup.statusCode).toBe(409);
    expect((await send('POST', '/api/v1/assets', { assetTag: 'T-1' })).statusCode).toBe(409);
    expect((await send('PATCH', '/api/v1/assets/nope', { location: 'x' })).statusCode).toBe(404);
    expect((await send('DELETE', '/api/v1/assets/nope')).statusCode).toBe(404);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('writes nothing, not even an audit entry, for a change to the same values', async () => {
    const a = await create({ assetTag: 'T-9', location: 'HQ' });
    const before = dumpDatabase(t.store.sqlite);
    const res = await send('PATCH', `/api/v1/assets/${a.id}`, { location: 'HQ', status: 'in_stock' });
    expect(res.statusCode).toBe(200);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });
});
