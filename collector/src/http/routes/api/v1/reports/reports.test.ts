import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

const DAY = 86_400_000;
let t: TestApp;
let NOW: Date;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  NOW = new Date();
  vi.setSystemTime(NOW);
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
  vi.useRealTimers();
});

async function report(serial: string, at = NOW, software: { name: string; version: string }[] = []) {
  vi.setSystemTime(at);
  const agent = await enrolAgent(t.app);
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({
      agentId: agent.agentId,
      serial,
      at,
      software: software.map((s) => ({ ...s, source: 'registry' as const })),
    }),
  });
  vi.setSystemTime(NOW);
  expect(res.statusCode, res.body).toBe(201);
}

describe('GET /api/v1/reports/summary', () => {
  it('counts unresolved findings per type and severity, license compliance per product, and register coverage', async () => {
    vi.setSystemTime(new Date(NOW.getTime() - 90 * DAY));
    for (const [tag, status] of [
      ['A', 'deployed'],
      ['B', 'deployed'],
      ['C', 'deployed'],
      ['D', 'deployed'],
      ['E', 'in_stock'],
    ]) {
      await t.inject({
        method: 'POST',
        url: '/api/v1/assets',
        payload: { assetTag: tag, serial: `SN-${tag}`, status },
      });
    }
    vi.setSystemTime(NOW);
    await report('SN-A', NOW, [{ name: 'Acme CAD', version: '1' }]);
    await report('SN-B', new Date(NOW.getTime() - 2 * DAY), [{ name: 'Acme CAD', version: '1' }]);
    await report('SN-C', new Date(NOW.getTime() - 40 * DAY), [{ name: 'Acme CAD', version: '1' }]);
    await report('SHADOW', NOW);
    const lic = (
      await t.inject({ method: 'POST', url: '/api/v1/licenses', payload: { product: 'Acme CAD', seats: 1 } })
    ).json();
    const run = (await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).json();

    const summary = (await t.inject({ url: '/api/v1/reports/summary' })).json();
    expect(summary.lastRun.id).toBe(run.id);
    // Ghosts: C (silent 40 days), D (never), E (in stock, never); stale: C's device; unregistered: SHADOW; overuse: Acme.
    const byType = Object.fromEntries(
      summary.findings.byType.map((e: { type: string; total: number; bySeverity: Record<string, number> }) => [
        e.type,
        e,
      ]),
    );
    expect(byType.ghost_asset).toMatchObject({ total: 3, bySeverity: { medium: 3 }, byStatus: { open: 3 } });
    expect(byType.unregistered_device.total).toBe(1);
    expect(byType.license_overuse).toMatchObject({ total: 1, bySeverity: { high: 1 } });
    expect(summary.findings.total).toBe(
      Object.values(byType).reduce((n: number, e) => n + (e as { total: number }).total, 0),
    );
    expect(summary.licenses).toEqual([
      expect.objectContaining({
        product: 'Acme CAD',
        entitlements: [expect.objectContaining({ id: lic.id, seats: 1, current: true })],
        usage: expect.objectContaining({ used: 2, seats: 1, state: 'over' }),
      }),
    ]);
    expect(summary.coverage).toEqual({ statuses: ['deployed'], days: 30, inUse: 4, seen: 2, share: 0.5 });
  });
});
