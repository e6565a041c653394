import { AGENT_OFFLINE_PROBLEM_TYPE } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
let agent: { agentId: string; agentToken: string };
let deviceId: string;

beforeEach(async () => {
  t = await createTestApp();
  agent = await enrolAgent(t.app);
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({ agentId: agent.agentId }),
  });
  deviceId = res.json().deviceId;
});
afterEach(async () => t.close());

const device = async () =>
  (await t.inject({ url: `/api/v1/devices/${deviceId}` })).json() as {
    online: boolean;
    lastHeartbeatAt: string | null;
  };

const refresh = () => t.inject({ method: 'POST', url: `/api/v1/devices/${deviceId}/refresh` });

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in time');
}

describe('live channel', () => {
  it('shows the device online while its agent holds the socket, and relays a refresh to it', async () => {
    expect(await device()).toEqual(expect.objectContaining({ online: false, lastHeartbeatAt: null }));
    const offline = await refresh();
    expect(offline.statusCode).toBe(409);
    expect(offline.json()).toMatchObject({ type: AGENT_OFFLINE_PROBLEM_TYPE, status: 409 });

    const ws = await t.app.injectWS('/api/v1/agent/ws', { headers: { authorization: `Bearer ${agent.agentToken}` } });
    const received: unknown[] = [];
    ws.on('message', (data) => received.push(JSON.parse(data.toString())));
    await until(async () => (await device()).online);

    ws.send(JSON.stringify({ type: 'heartbeat', sentAt: new Date().toISOString() }));
    await until(async () => (await device()).lastHeartbeatAt !== null);

    const res = await refresh();
    expect(res.statusCode).toBe(202);
    const { requestId } = res.json();
    expect(res.json()).toEqual({ deviceId, agentId: agent.agentId, requestId: expect.any(String) });
    await until(() => received.length > 0);
    expect(received).toEqual([{ type: 'refresh', requestId }]);

    ws.terminate();
    await until(async () => !(await device()).online);
    expect((await device()).lastHeartbeatAt).not.toBeNull();
  });

  it('closes a socket that sends what the schema does not allow', async () => {
    const ws = await t.app.injectWS('/api/v1/agent/ws', { headers: { authorization: `Bearer ${agent.agentToken}` } });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send('{"type":"shoe-size"}');
    expect(await closed).toBe(4400);
  });

  it('refuses the upgrade without a live token', async () => {
    await t.app.stores.agents.revoke(agent.agentId);
    await expect(
      t.app.injectWS('/api/v1/agent/ws', { headers: { authorization: `Bearer ${agent.agentToken}` } }),
    ).rejects.toThrow(/401/);
    expect((await device()).online).toBe(false);
  });

  it('answers 404 to a refresh of an unknown device', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/devices/nope/refresh' });
    expect(res.statusCode).toBe(404);
  });
});
