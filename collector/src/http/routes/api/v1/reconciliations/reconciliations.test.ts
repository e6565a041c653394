import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../../../../compose/app.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
let hook: Server | undefined;

async function start(reconciliation: AppOptions['reconciliation'] = {}) {
  t = await createTestApp({ reconciliation });
}

afterEach(async () => {
  await t.close();
  if (hook) await new Promise((resolve) => hook?.close(resolve));
  hook = undefined;
});

async function report(serial: string) {
  const agent = await enrolAgent(t.app);
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({ agentId: agent.agentId, serial, hostname: serial.toLowerCase() }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().deviceId as string;
}

describe('/api/v1/reconciliations', () => {
  it('runs now, records each run with its counts, and lists runs newest first', async () => {
    await start();
    await report('SHADOW-1');
    await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'A-1', serial: 'SN-1' } });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/reconciliations',
      headers: await t.as('erin'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const run = res.json();
    expect(run).toMatchObject({
      trigger: 'api',
      actor: 'erin',
      status: 'succeeded',
      matching: { devices: 1, linked: 0 },
      counts: { byType: { unregistered_device: { opened: 1, resolved: 0, open: 1 } } },
    });
    // The totals add up the types (rules added later may open findings of their own on this device).
    const byType = Object.values(run.counts.byType) as { opened: number; open: number }[];
    expect(run.counts.totals.opened).toBe(byType.reduce((n, c) => n + c.opened, 0));
    expect(run.counts.totals.open).toBe(byType.reduce((n, c) => n + c.open, 0));
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(run.phases)).toEqual([
      'match',
      'devices',
      'rules',
      'assets',
      'conflicts',
      'hardware',
      'license_match',
      'license_usage',
      'reclamation',
      'plan',
      'write',
    ]);
    const second = (await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).json();
    const list = (await t.inject({ url: '/api/v1/reconciliations?limit=1' })).json();
    expect(list.items.map((r: { id: number }) => r.id)).toEqual([second.id]);
    const rest = (await t.inject({ url: `/api/v1/reconciliations?limit=5&cursor=${list.nextCursor}` })).json();
    expect(rest).toEqual({ items: [expect.objectContaining({ id: run.id })], nextCursor: null });
    expect((await t.inject({ url: `/api/v1/reconciliations/${run.id}` })).json().id).toBe(run.id);
    expect((await t.inject({ url: '/api/v1/reconciliations/999' })).statusCode).toBe(404);
  });

  it('refuses a run while another is in progress (here or in another process) with 409, and takes over an abandoned one', async () => {
    await start();
    const now = new Date().toISOString();
    t.store.sqlite
      .prepare(
        "INSERT INTO reconciliation_runs (trigger, actor, status, started_at) VALUES ('cli', 'cli:ops', 'running', ?)",
      )
      .run(now);
    const refused = await t.inject({ method: 'POST', url: '/api/v1/reconciliations' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('in progress');
    // A run still marked running after 30 minutes died: the next run records it as failed and goes ahead.
    const old = new Date(Date.now() - 31 * 60_000).toISOString();
    t.store.sqlite.prepare('UPDATE reconciliation_runs SET started_at = ?').run(old);
    expect((await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).statusCode).toBe(200);
    const [latest, abandoned] = (await t.inject({ url: '/api/v1/reconciliations' })).json().items;
    expect(latest.status).toBe('succeeded');
    expect(abandoned).toMatchObject({ status: 'failed', error: expect.stringContaining('abandoned') });
  });

  it('posts newly opened findings to the policy webhook, retrying while it fails, without holding the run', async () => {
    const bodies: { findings: { type: string; severity: string }[] }[] = [];
    let calls = 0;
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        calls++;
        if (calls <= 2) return res.writeHead(502).end();
        bodies.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/findings`;
    await start({ webhook: { baseDelayMs: 20 } });
    const put = await t.inject({
      method: 'PUT',
      url: '/api/v1/policies',
      payload: { notifications: { webhookUrl: url, minSeverity: 'high' } },
    });
    expect(put.statusCode, put.body).toBe(200);
    // One retired laptop that still reports (high), one unregistered device (medium: not sent).
    const asset = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/assets',
        payload: { assetTag: 'A-9', serial: 'SN-9', status: 'retired' },
      })
    ).json();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await report('SN-9');
    await report('SHADOW-9');
    const run = (await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).json();
    expect(run.counts.byType.retired_asset_active.opened).toBe(1);
    expect(run.counts.byType.unregistered_device.opened).toBe(1);
    expect(calls).toBe(0);
    for (let i = 0; i < 100 && bodies.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(3);
    expect(bodies).toEqual([
      expect.objectContaining({
        findings: [
          expect.objectContaining({
            type: 'retired_asset_active',
            severity: 'high',
            subject: { kind: 'asset', id: asset.id, subKey: null },
          }),
        ],
      }),
    ]);
    // Nothing new opens on the next run: nothing is sent.
    await t.inject({ method: 'POST', url: '/api/v1/reconciliations' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(3);
  });
});
