import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;

/** A VM with neither serial nor UUID: enrolling again makes another device. */
const push = (agent: { agentId: string; agentToken: string }, hostname = 'vm-build-01') =>
  t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: bearer(agent.agentToken),
    payload: makeSnapshot({ agentId: agent.agentId, hostname, macs: ['3c:22:fb:7a:19:c4'] }),
  });

beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

describe('POST /api/v1/devices/:id/merge', () => {
  it('merges a duplicate into a device, whose agent then reports there; admins only, audited', async () => {
    const old = await enrolAgent(t.app);
    const deviceId = (await push(old)).json().deviceId;
    const again = await enrolAgent(t.app);
    const duplicate = (await push(again)).json().deviceId;
    expect(duplicate).not.toBe(deviceId);
    expect((await t.inject({ method: 'POST', url: '/api/v1/reconciliations', payload: {} })).statusCode).toBeLessThan(
      300,
    );
    const duplicateFindings = (await t.inject(`/api/v1/devices/${duplicate}`)).json().findings as { id: number }[];
    expect(duplicateFindings.length).toBeGreaterThan(0);

    const asReader = await t.inject({
      method: 'POST',
      url: `/api/v1/devices/${deviceId}/merge`,
      headers: await t.as('viewer', 'reader'),
      payload: { from: duplicate },
    });
    expect(asReader.statusCode).toBe(403);

    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/devices/${deviceId}/merge`,
      payload: { from: duplicate },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      deviceId,
      mergedDeviceId: duplicate,
      agentId: again.agentId,
      agentIds: [again.agentId],
      snapshots: 1,
      changes: 1,
      linkMoved: false,
    });
    expect((await t.inject(`/api/v1/devices/${duplicate}`)).statusCode).toBe(404);
    const detail = (await t.inject(`/api/v1/devices/${deviceId}`)).json();
    expect(detail.agentId).toBe(again.agentId);
    expect(detail.changes[0]).toMatchObject({ kind: 'device_merged' });
    // The duplicate's findings are listed with the survivor (until the next run resolves them).
    const survivorFindings = (detail.findings as { id: number }[]).map((f) => f.id);
    for (const f of duplicateFindings) expect(survivorFindings).toContain(f.id);
    expect((await push(again)).json().deviceId).toBe(deviceId);
    const audit = (await t.inject(`/api/v1/audit?entityType=device&entityId=${duplicate}`)).json();
    expect(audit.items[0]).toMatchObject({
      actor: 'test-admin',
      action: 'merge',
      context: `merged into device ${deviceId}`,
    });
  });

  it('names what is wrong: a device merged into itself, an unknown device, a missing field', async () => {
    const agent = await enrolAgent(t.app);
    const deviceId = (await push(agent)).json().deviceId;
    const merge = (id: string, payload: unknown) =>
      t.inject({ method: 'POST', url: `/api/v1/devices/${id}/merge`, payload: payload as object });
    const itself = await merge(deviceId, { from: deviceId });
    expect(itself.statusCode).toBe(400);
    expect(itself.json().errors).toEqual([{ path: '/from', message: 'must name another device' }]);
    const unknown = await merge(deviceId, { from: 'no-such-device' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ path: '/from' });
    expect((await merge('no-such-device', { from: deviceId })).statusCode).toBe(404);
    const missing = await merge(deviceId, {});
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().errors)).toContain('from');
  });
});

describe('DELETE /api/v1/devices/:id', () => {
  it('deletes a device, keeps its audit entries, and a machine reporting again is a new device', async () => {
    const agent = await enrolAgent(t.app);
    const deviceId = (await push(agent)).json().deviceId;
    const asReader = await t.inject({
      method: 'DELETE',
      url: `/api/v1/devices/${deviceId}`,
      headers: await t.as('viewer', 'reader'),
    });
    expect(asReader.statusCode).toBe(403);

    const res = await t.inject({ method: 'DELETE', url: `/api/v1/devices/${deviceId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      deviceId,
      hostname: 'vm-build-01',
      agentIds: [agent.agentId],
      snapshots: 1,
      unlinkedAssetId: null,
      blocksLifted: 0,
    });
    expect((await t.inject(`/api/v1/devices/${deviceId}`)).statusCode).toBe(404);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/devices/${deviceId}` })).statusCode).toBe(404);
    const audit = (await t.inject(`/api/v1/audit?entityType=device&entityId=${deviceId}`)).json();
    expect(audit.items[0]).toMatchObject({ actor: 'test-admin', action: 'delete', after: null });

    const back = (await push(agent)).json().deviceId;
    expect(back).not.toBe(deviceId);
    expect((await t.inject(`/api/v1/devices/${back}`)).json().agentId).toBe(agent.agentId);
  });
});
