import { makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

interface Agent {
  agentId: string;
  agentToken: string;
}

async function report(agent: Agent, spec: SnapshotSpec): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({ agentId: agent.agentId, ...spec }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().deviceId;
}

async function asset(body: Record<string, unknown>): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** Lets the clock move on, so "reported after that agent enrolled" is true or false for sure. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

const device = async (id: string) => (await t.inject({ url: `/api/v1/devices/${id}` })).json();
const linkOf = async (id: string) => (await device(id)).link as { assetId: string | null; method: string } | null;
const getAsset = async (id: string) => (await t.inject({ url: `/api/v1/assets/${id}` })).json();

describe('matching devices to register assets', () => {
  it('links by serial first, then UUID, then MAC, then host name, storing the method', async () => {
    const bySerial = await asset({ assetTag: 'A-SERIAL', serial: 'CZC1234XYZ' });
    const byUuid = await asset({ assetTag: 'A-UUID', hardwareUuid: '4c4c4544-0042-3510-8052-b4c04f4d3232' });
    const byMac = await asset({ assetTag: 'A-MAC', macs: ['3c:22:fb:00:00:01'] });
    const byName = await asset({ assetTag: 'A-NAME', hostname: 'ws-name.corp.example' });
    const d1 = await report(await enrolAgent(t.app), { serial: 'czc1234xyz', hostname: 'ws-name' });
    const d2 = await report(await enrolAgent(t.app), { uuid: '4C4C4544-0042-3510-8052-B4C04F4D3232', hostname: 'x2' });
    const d3 = await report(await enrolAgent(t.app), { macs: ['3c:22:fb:00:00:01'], hostname: 'x3' });
    const d4 = await report(await enrolAgent(t.app), { hostname: 'WS-NAME2' });
    const d5 = await report(await enrolAgent(t.app), { hostname: 'ws-name', serial: 'OTHER-SERIAL' });
    expect(await linkOf(d1)).toMatchObject({ assetId: bySerial, method: 'serial' });
    expect(await linkOf(d2)).toMatchObject({ assetId: byUuid, method: 'uuid' });
    expect(await linkOf(d3)).toMatchObject({ assetId: byMac, method: 'mac' });
    expect(await linkOf(d4)).toBeNull();
    // Two devices now call themselves ws-name: the name is evidence of neither.
    expect(await linkOf(d5)).toBeNull();
    expect((await getAsset(byName)).devices).toEqual([]);
  });

  it('ignores junk serials on both sides', async () => {
    const junkAsset = await asset({ assetTag: 'A-JUNK', serial: 'To be filled by O.E.M.' });
    const named = await asset({ assetTag: 'A-WS7', hostname: 'ws-0007' });
    const one = await report(await enrolAgent(t.app), { serial: 'To be filled by O.E.M.', hostname: 'ws-0007' });
    const two = await report(await enrolAgent(t.app), { serial: 'Default string', hostname: 'ws-0008' });
    const three = await report(await enrolAgent(t.app), { serial: 'Default string', hostname: 'ws-0009' });
    expect(await linkOf(one)).toMatchObject({ assetId: named, method: 'hostname' });
    expect(await linkOf(two)).toBeNull();
    expect((await device(three)).conflicts).toEqual([]);
    expect((await getAsset(junkAsset)).devices).toEqual([]);
    // Discovery does not copy a junk serial into the register either.
    expect((await getAsset(named)).serial).toBeNull();
  });

  it('does not trust a UUID that cloned VMs share, and flags it', async () => {
    const uuid = '564d8a5b-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
    const vmAsset = await asset({ assetTag: 'VM-TEMPLATE', hardwareUuid: uuid });
    const a1 = await asset({ assetTag: 'VM-1', macs: ['00:50:56:00:00:01'] });
    const a2 = await asset({ assetTag: 'VM-2', macs: ['00:50:56:00:00:02'] });
    const agent1 = await enrolAgent(t.app);
    const vm1 = await report(agent1, { uuid, macs: ['00:50:56:00:00:01'], hostname: 'vm-1' });
    // Alone, the first VM matches the UUID; once a clone reports the same UUID, neither does.
    expect(await linkOf(vm1)).toMatchObject({ assetId: vmAsset, method: 'uuid' });
    const vm2 = await report(await enrolAgent(t.app), { uuid, macs: ['00:50:56:00:00:02'], hostname: 'vm-2' });
    await report(agent1, { uuid, macs: ['00:50:56:00:00:01'], hostname: 'vm-1' });
    expect(vm2).not.toBe(vm1);
    expect(await linkOf(vm1)).toMatchObject({ assetId: a1, method: 'mac' });
    expect(await linkOf(vm2)).toMatchObject({ assetId: a2, method: 'mac' });
    const conflicts = (await t.inject({ url: '/api/v1/conflicts' })).json().items;
    expect(conflicts).toEqual([{ kind: 'shared_uuid', value: uuid, deviceIds: [vm1, vm2].sort(), assetIds: [] }]);
  });

  // The old agent is revoked first (re-enrolment allowed): a new agent no longer takes over a
  // device whose agent is alive on its word alone.
  const retire = (agent: Agent) =>
    t.inject({ method: 'DELETE', url: `/api/v1/agents/${agent.agentId}?allowReenrolment=true` });

  it('puts a reinstalled OS (same serial, new agent id, old agent revoked) on the same device and asset', async () => {
    const laptop = await asset({ assetTag: 'LT-0042', serial: '7XK3QW3' });
    const first = await enrolAgent(t.app);
    const spec = { serial: '7XK3QW3', uuid: '4c4c4544-0037-5810-8033-b7c04f4b3332', macs: ['3c:22:fb:7a:19:c4'] };
    const before = await report(first, spec);
    await tick();
    await retire(first);
    const reinstalled = await enrolAgent(t.app);
    const after = await report(reinstalled, { ...spec, hostname: 'ws-0042-new' });
    expect(after).toBe(before);
    expect(await linkOf(after)).toMatchObject({ assetId: laptop, method: 'serial' });
    const changes = (await t.inject({ url: `/api/v1/devices/${after}/changes?kind=agent_replaced` })).json().items;
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'agent_replaced', before: first.agentId, after: reinstalled.agentId }),
    ]);

    // Firmware that gives no UUID: the serial and a MAC in common still recognise the machine.
    const desktop = await asset({ assetTag: 'WS-0100', serial: 'CZC0100' });
    const oldAgent = await enrolAgent(t.app);
    const old = await report(oldAgent, { serial: 'CZC0100', macs: ['3c:22:fb:00:01:00'] });
    await tick();
    await retire(oldAgent);
    const again = await report(await enrolAgent(t.app), { serial: 'CZC0100', macs: ['3c:22:fb:00:01:00'] });
    expect(again).toBe(old);
    expect(await linkOf(again)).toMatchObject({ assetId: desktop, method: 'serial' });
    expect((await getAsset(desktop)).conflicts).toEqual([]);
  });

  it('flags one serial reported by two live devices and merges nothing', async () => {
    const target = await asset({ assetTag: 'LT-DUP', serial: 'DUPL1CATE' });
    const agentA = await enrolAgent(t.app);
    const agentB = await enrolAgent(t.app);
    const a = await report(agentA, {
      serial: 'DUPL1CATE',
      uuid: '11111111-2222-3333-4444-555555555555',
      hostname: 'a',
    });
    expect(await linkOf(a)).toMatchObject({ assetId: target, method: 'serial' });
    const b = await report(agentB, {
      serial: 'DUPL1CATE',
      uuid: '66666666-7777-8888-9999-000000000000',
      hostname: 'b',
    });
    await report(agentA, { serial: 'DUPL1CATE', uuid: '11111111-2222-3333-4444-555555555555', hostname: 'a' });
    expect(b).not.toBe(a);
    // The serial is no evidence any more. The asset learnt a's UUID while a alone reported the
    // serial, so a stays linked by that UUID; b, the newcomer, is linked to nothing.
    expect(await linkOf(a)).toMatchObject({ assetId: target, method: 'uuid' });
    expect(await linkOf(b)).toBeNull();
    expect((await getAsset(target)).hardwareUuid).toBe('11111111-2222-3333-4444-555555555555');
    const expected = { kind: 'duplicate_serial', value: 'DUPL1CATE', deviceIds: [a, b].sort(), assetIds: [target] };
    expect((await device(a)).conflicts).toEqual([expected]);
    expect((await getAsset(target)).conflicts).toEqual([expected]);
    expect((await t.inject({ url: '/api/v1/conflicts' })).json().items).toEqual([expected]);
  });

  it('keeps two live installations with the same serial and UUID apart (a cloned VM)', async () => {
    const spec = { serial: 'VMware-56 4d 8a 5b', uuid: '564d8a5b-1c2d-4e3f-8a9b-0c1d2e3f4a5b' };
    const original = await enrolAgent(t.app);
    const d1 = await report(original, { ...spec, hostname: 'template' });
    await tick();
    const clone = await enrolAgent(t.app);
    await tick();
    await report(original, { ...spec, hostname: 'template' });
    const d2 = await report(clone, { ...spec, hostname: 'clone' });
    expect(d2).not.toBe(d1);
    // A clone that reports before the original speaks again used to take the device over, and
    // the original was split off. Now the clone gets a device of its own with a claim on the
    // original's, and the original keeps its device.
    const third = await enrolAgent(t.app);
    const d3 = await report(third, { serial: 'VM-3', uuid: '00112233-4455-6677-8899-aabbccddeeff', hostname: 'c' });
    await tick();
    const fourth = await enrolAgent(t.app);
    const d4 = await report(fourth, { serial: 'VM-3', uuid: '00112233-4455-6677-8899-aabbccddeeff', hostname: 'd' });
    expect(d4).not.toBe(d3);
    const again = await report(third, { serial: 'VM-3', uuid: '00112233-4455-6677-8899-aabbccddeeff', hostname: 'c' });
    expect(again).toBe(d3);
    expect((await device(d4)).conflicts.map((c: { kind: string }) => c.kind)).toEqual([
      'duplicate_serial',
      'shared_uuid',
      'claimed_identity',
    ]);
  });

  it('honours a manual link over discovery, and a manual unlink sticks until handed back', async () => {
    const bySerial = await asset({ assetTag: 'A-1', serial: 'S-0001' });
    const other = await asset({ assetTag: 'A-2' });
    const agent = await enrolAgent(t.app);
    const d = await report(agent, { serial: 'S-0001' });
    expect(await linkOf(d)).toMatchObject({ assetId: bySerial, method: 'serial' });

    const link = await t.inject({
      method: 'POST',
      url: `/api/v1/devices/${d}/link`,
      headers: await t.as('carol'),
      payload: { assetId: other },
    });
    expect(link.statusCode).toBe(200);
    expect(link.json()).toMatchObject({ assetId: other, method: 'manual', linkedBy: 'carol' });
    await report(agent, { serial: 'S-0001' });
    expect(await linkOf(d)).toMatchObject({ assetId: other, method: 'manual' });

    expect((await t.inject({ method: 'DELETE', url: `/api/v1/devices/${d}/link` })).statusCode).toBe(204);
    await report(agent, { serial: 'S-0001' });
    expect(await linkOf(d)).toMatchObject({ assetId: null, method: 'manual' });

    await t.inject({ method: 'DELETE', url: `/api/v1/devices/${d}/link?rediscover=true` });
    expect(await linkOf(d)).toMatchObject({ assetId: bySerial, method: 'serial' });

    const audit = (await t.inject({ url: `/api/v1/audit?entityType=device_link&entityId=${d}` })).json().items;
    expect(audit.map((a: { action: string; actor: string }) => `${a.action} by ${a.actor}`)).toEqual([
      'link by discovery',
      'unlink by test-admin',
      'unlink by test-admin',
      'link by carol',
      'link by discovery',
    ]);
    expect(
      (await t.inject({ method: 'POST', url: `/api/v1/devices/${d}/link`, payload: { assetId: 'nope' } })).statusCode,
    ).toBe(404);
    expect((await t.inject({ method: 'DELETE', url: '/api/v1/devices/nope/link' })).statusCode).toBe(404);
  });

  it('fills empty register fields from the device but never overwrites a field set by hand', async () => {
    const id = await asset({ assetTag: 'LT-7', serial: 'FILL-ME', hostname: 'finance-01' });
    const agent = await enrolAgent(t.app);
    await report(agent, { serial: 'FILL-ME', hostname: 'fin-01', macs: ['3c:22:fb:7a:19:c4'] });
    const filled = await getAsset(id);
    expect(filled).toMatchObject({
      hostname: 'finance-01',
      manufacturer: 'Dell Inc.',
      model: 'Latitude 7440',
      macs: ['3c:22:fb:7a:19:c4'],
      lockedFields: ['serial', 'hostname'],
    });
    const audit = (await t.inject({ url: `/api/v1/audit?entityId=${id}&actor=discovery` })).json().items;
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'update',
        before: { manufacturer: null, model: null, macs: [] },
        after: { manufacturer: 'Dell Inc.', model: 'Latitude 7440', macs: ['3c:22:fb:7a:19:c4'] },
      }),
    ]);
    // Handing the host name back to discovery lets the device's name in at the next report.
    await t.inject({ method: 'PATCH', url: `/api/v1/assets/${id}`, payload: { unlockFields: ['hostname'] } });
    await report(agent, { serial: 'FILL-ME', hostname: 'fin-01', macs: ['3c:22:fb:7a:19:c4'] });
    expect((await getAsset(id)).hostname).toBe('fin-01');
  });

  it('links as soon as an asset that matches is registered, and the whole fleet can be matched again', async () => {
    const d = await report(await enrolAgent(t.app), { serial: 'LATE-1' });
    expect(await linkOf(d)).toBeNull();
    const id = await asset({ assetTag: 'LATE', serial: 'late-1' });
    expect(await linkOf(d)).toMatchObject({ assetId: id, method: 'serial' });
    t.store.sqlite.prepare('DELETE FROM device_asset_links').run();
    expect(t.store.matcher.matchAll()).toEqual({ devices: 1, changed: 1, linked: 1 });
    expect(t.store.matcher.matchAll()).toEqual({ devices: 1, changed: 0, linked: 1 });
    await t.inject({ method: 'DELETE', url: `/api/v1/assets/${id}` });
    expect(await linkOf(d)).toBeNull();
  });
});
