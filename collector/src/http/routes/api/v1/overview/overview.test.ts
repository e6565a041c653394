import type { Overview } from '@stocktake/shared/api';
import { makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';
import { findingsTrend } from './index.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function report(hostname: string, spec: SnapshotSpec = {}): Promise<void> {
  const agent = await enrolAgent(t.app);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: bearer(agent.agentToken),
    payload: makeSnapshot({ agentId: agent.agentId, hostname, ...spec }),
  });
  expect(res.statusCode, res.body).toBe(201);
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('GET /api/v1/overview', () => {
  it('counts devices by OS, lists warranties ending within 90 days, and sets the accuracy shares beside the usual ones', async () => {
    await report('deb-1', { serial: 'SER-1' });
    await report('deb-2', { serial: 'SER-2' });
    await report('win-1', { serial: 'SER-3', os: { family: 'windows', name: 'Windows 11 Pro', version: '23H2' } });
    for (const [assetTag, serial, warrantyEnd] of [
      ['LAP-1', 'SER-1', inDays(20)],
      ['LAP-2', 'SER-9', inDays(200)],
      ['LAP-3', 'SER-8', inDays(5)],
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/assets',
        payload: { assetTag, serial, warrantyEnd, status: 'deployed' },
      });
      expect(res.statusCode).toBe(201);
    }
    expect((await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).statusCode).toBe(200);

    const res = await t.inject('/api/v1/overview');
    expect(res.statusCode).toBe(200);
    const overview = res.json<Overview>();
    expect(overview.devices).toEqual({
      total: 3,
      online: 0,
      offline: 3,
      byOs: [
        { osFamily: 'linux', osName: 'Debian GNU/Linux', count: 2 },
        { osFamily: 'windows', osName: 'Windows 11 Pro', count: 1 },
      ],
    });
    expect(overview.warrantiesEnding.withinDays).toBe(90);
    expect(overview.warrantiesEnding.assets.map((a) => [a.assetTag, a.warrantyEnd])).toEqual([
      ['LAP-3', inDays(5)],
      ['LAP-1', inDays(20)],
    ]);
    // SER-2 and SER-3 report with no asset of theirs: 2 of 3 devices are unregistered.
    expect(overview.accuracy.unregistered).toEqual({ count: 2, of: 3, share: 2 / 3, typical: [0.1, 0.2] });
    expect(overview.accuracy.ghosts.of).toBe(3);
    expect(overview.accuracy.ghosts.typical).toEqual([0.05, 0.1]);
    expect(overview.findingsTrend).toHaveLength(30);
    const today = overview.findingsTrend.at(-1);
    expect(today?.day).toBe(new Date().toISOString().slice(0, 10));
    expect(today?.byType.unregistered_device).toBe(2);
    expect(today?.open).toBeGreaterThanOrEqual(2);
    expect(overview.findingsTrend[0]?.open).toBeNull();
  });

  it('is read by a reader too', async () => {
    const res = await t.app.inject({ url: '/api/v1/overview', headers: await t.as('viewer', 'reader') });
    expect(res.statusCode).toBe(200);
    expect(res.json<Overview>().devices.total).toBe(0);
  });
});

describe('findingsTrend', () => {
  const run = (id: number, startedAt: string, open: number) => ({
    id,
    trigger: 'schedule' as const,
    actor: 'schedule',
    status: 'succeeded' as const,
    startedAt,
    finishedAt: startedAt,
    durationMs: 1,
    error: null,
    counts: {
      byType: { stale_agent: { opened: 0, recurred: 0, returned: 0, resolved: 0, open } },
      totals: { opened: 0, recurred: 0, returned: 0, resolved: 0, open },
    },
    matching: null,
    phases: null,
  });

  it('takes the last successful run of each day and leaves days without one empty', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const trend = findingsTrend(
      [run(3, '2026-12-07T09:00:00Z', 5), run(2, '2026-12-07T01:00:00Z', 9), run(1, '2026-12-05T01:00:00Z', 4)],
      now,
      3,
    );
    expect(trend).toEqual([
      { day: '2026-12-05', open: 4, byType: { stale_agent: 4 } },
      { day: '2026-12-06', open: null, byType: {} },
      { day: '2026-12-07', open: 5, byType: { stale_agent: 5 } },
    ]);
  });
});
