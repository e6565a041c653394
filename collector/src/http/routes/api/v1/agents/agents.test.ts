import { ENROLMENT_BLOCKED_PROBLEM_TYPE } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
let agent: { agentId: string; agentToken: string };
let deviceId: string;
const IDENTITY = { serial: 'CZC1234XYZ', uuid: '4c4c4544-0042-3510-8052-b4c04f4d3232' };

const push = (token: string, agentId: string) =>
  t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: bearer(token),
    payload: makeSnapshot({ agentId, ...IDENTITY }),
  });

beforeEach(async () => {
  t = await createTestApp();
  agent = await enrolAgent(t.app);
  deviceId = (await push(agent.agentToken, agent.agentId)).json().deviceId;
});
afterEach(async () => t.close());

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in time');
}

describe('/api/v1/agents', () => {
  it('lists agents with their device, address and presence, for admins only', async () => {
    const res = await t.inject('/api/v1/agents');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        id: agent.agentId,
        hostname: 'ws-0001',
        deviceId,
        claimedDeviceId: null,
        address: '127.0.0.1',
        online: false,
        revokedAt: null,
      }),
    ]);
    expect((await t.inject({ url: '/api/v1/agents', headers: await t.as('viewer', 'reader') })).statusCode).toBe(403);
  });

  it('revokes an agent: its socket is closed at once, its device blocked, and re-enrolling does not get it back', async () => {
    const ws = await t.app.injectWS('/api/v1/agent/ws', { headers: bearer(agent.agentToken) });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    await until(async () => (await t.inject(`/api/v1/devices/${deviceId}`)).json().online);

    const res = await t.inject({ method: 'DELETE', url: `/api/v1/agents/${agent.agentId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      agent: { id: agent.agentId, revokedBy: 'test-admin', online: false },
      block: { kind: 'device', value: deviceId, createdBy: 'test-admin' },
    });
    expect(await closed).toBe(4401);
    expect((await push(agent.agentToken, agent.agentId)).statusCode).toBe(401);

    const again = await enrolAgent(t.app);
    const refused = await push(again.agentToken, again.agentId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().type).toBe(ENROLMENT_BLOCKED_PROBLEM_TYPE);
    expect((await t.inject(`/api/v1/devices/${deviceId}`)).json().agentId).toBe(agent.agentId);
    const audit = (await t.inject(`/api/v1/audit?entityType=agent&entityId=${agent.agentId}`)).json().items;
    expect(audit[0]).toMatchObject({ actor: 'test-admin', action: 'revoke' });

    expect((await t.inject({ method: 'DELETE', url: `/api/v1/agents/${agent.agentId}` })).statusCode).toBe(404);
  });

  it('revokes with re-enrolment allowed: the machine’s next agent takes the device over', async () => {
    const res = await t.inject({ method: 'DELETE', url: `/api/v1/agents/${agent.agentId}?allowReenrolment=true` });
    expect(res.json().block).toBeNull();
    const again = await enrolAgent(t.app);
    expect((await push(again.agentToken, again.agentId)).json().deviceId).toBe(deviceId);
  });

  it('closes the socket of an agent whose token was revoked elsewhere at its next heartbeat', async () => {
    const ws = await t.app.injectWS('/api/v1/agent/ws', { headers: bearer(agent.agentToken) });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    await t.app.stores.agents.revoke(agent.agentId);
    ws.send(JSON.stringify({ type: 'heartbeat', sentAt: new Date().toISOString() }));
    expect(await closed).toBe(4401);
  });
});

describe('/api/v1/enrolment-blocks', () => {
  it('blocks a serial and allows it again, audited', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/enrolment-blocks',
      payload: { kind: 'serial', value: 'czc9999' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ kind: 'serial', value: 'CZC9999', createdBy: 'test-admin' });
    expect((await t.inject('/api/v1/enrolment-blocks')).json().items).toHaveLength(1);
    const bad = await t.inject({
      method: 'POST',
      url: '/api/v1/enrolment-blocks',
      payload: { kind: 'serial', value: 'N/A' },
    });
    expect(bad.statusCode).toBe(400);
    const unknown = await t.inject({
      method: 'POST',
      url: '/api/v1/enrolment-blocks',
      payload: { kind: 'device', value: 'no-such-device' },
    });
    expect(unknown.statusCode).toBe(404);
    const allowed = await t.inject({ method: 'DELETE', url: `/api/v1/enrolment-blocks/${created.json().id}` });
    expect(allowed.statusCode).toBe(200);
    expect((await t.inject('/api/v1/enrolment-blocks')).json().items).toEqual([]);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/enrolment-blocks/${created.json().id}` })).statusCode,
    ).toBe(404);
  });
});

describe('POST /api/v1/devices/:id/adopt', () => {
  it('moves a claimed device to the new agent, merging the device it had, audited', async () => {
    const claimant = await enrolAgent(t.app);
    const own = (await push(claimant.agentToken, claimant.agentId)).json().deviceId;
    expect(own).not.toBe(deviceId);
    const conflicts = (await t.inject(`/api/v1/devices/${deviceId}`)).json().conflicts;
    expect(conflicts).toContainEqual({
      kind: 'claimed_identity',
      value: 'CZC1234XYZ',
      deviceIds: [deviceId, own],
      assetIds: [],
    });

    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/devices/${deviceId}/adopt`,
      payload: { agentId: claimant.agentId },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      deviceId,
      agentId: claimant.agentId,
      replacedAgentId: agent.agentId,
      mergedDeviceId: own,
    });
    expect((await t.inject(`/api/v1/devices/${own}`)).statusCode).toBe(404);
    expect((await push(claimant.agentToken, claimant.agentId)).json().deviceId).toBe(deviceId);
    const again = await t.inject({
      method: 'POST',
      url: `/api/v1/devices/${deviceId}/adopt`,
      payload: { agentId: claimant.agentId },
    });
    expect(again.statusCode).toBe(409);
    const asReader = await t.inject({
      method: 'POST',
      url: `/api/v1/devices/${deviceId}/adopt`,
      headers: await t.as('viewer', 'reader'),
      payload: { agentId: agent.agentId },
    });
    expect(asReader.statusCode).toBe(403);
  });
});
