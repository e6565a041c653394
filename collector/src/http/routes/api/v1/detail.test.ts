import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

describe('everything about one device or asset in one call', () => {
  it('shows a device with its software, asset, recent changes and open findings, and the asset with its devices, findings and history', async () => {
    const agent = await enrolAgent(t.app);
    const push = async (openssl: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/agent/snapshots',
        headers: { authorization: `Bearer ${agent.agentToken}` },
        payload: makeSnapshot({
          agentId: agent.agentId,
          hostname: 'ws-0042',
          serial: 'SN-42',
          software: [dpkgItem('openssl', openssl)],
          patches: { pendingCount: 60, pendingSecurityCount: 50 },
        }),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().deviceId as string;
    };
    const deviceId = await push('3.0.9-1');
    await push('3.0.13-1');
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      payload: { assetTag: 'LT-42', serial: 'SN-42', status: 'deployed', assigneeName: 'Jane Doe' },
    });
    const assetId = created.json().id as string;
    await t.inject({ method: 'PATCH', url: `/api/v1/assets/${assetId}`, payload: { location: 'HQ' } });
    expect((await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).statusCode).toBe(200);

    const device = (await t.inject(`/api/v1/devices/${deviceId}`)).json();
    expect(device.software).toEqual([expect.objectContaining({ name: 'openssl', version: '3.0.13-1' })]);
    expect(device.asset).toEqual({
      id: assetId,
      assetTag: 'LT-42',
      name: null,
      status: 'deployed',
      assigneeName: 'Jane Doe',
      location: 'HQ',
    });
    expect(device.changes.map((c: { kind: string }) => c.kind)).toEqual(['software_upgraded', 'first_seen']);
    expect(device.findings.map((f: { type: string }) => f.type)).toContain('unpatched_device');

    const asset = (await t.inject(`/api/v1/assets/${assetId}`)).json();
    expect(asset.devices).toEqual([expect.objectContaining({ deviceId, hostname: 'ws-0042', method: 'serial' })]);
    expect(asset.history.map((h: { action: string; actor: string }) => `${h.action} ${h.actor}`)).toEqual([
      'update test-admin',
      'update discovery',
      'create test-admin',
    ]);
    expect(asset.findings.map((f: { type: string }) => f.type)).toContain('unpatched_device');
    for (const f of asset.findings) {
      expect(f.refs).toEqual(expect.arrayContaining([{ kind: 'asset', id: assetId }]));
    }
  });
});
