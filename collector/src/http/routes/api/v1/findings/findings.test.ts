import { makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
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

async function report(agent: { agentId: string; agentToken: string }, spec: SnapshotSpec): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({ agentId: agent.agentId, ...spec }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().deviceId;
}

const reconcile = async () => {
  const res = await t.inject({ method: 'POST', url: '/api/v1/reconciliations' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const list = async (query: string) => {
  const res = await t.inject({ url: `/api/v1/findings${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const patch = async (id: number, payload: object, actor = 'dana') =>
  t.inject({ method: 'PATCH', url: `/api/v1/findings/${id}`, headers: await t.as(actor), payload });

describe('/api/v1/findings', () => {
  it('keeps an acknowledged finding quiet until its evidence changes, audited, with its history', async () => {
    const agent = await enrolAgent(t.app);
    const device = await report(agent, { serial: 'SHADOW-1', hostname: 'shadow-1' });
    await reconcile();
    const [finding] = (await list(`?type=unregistered_device&deviceId=${device}`)).items;
    expect(finding).toMatchObject({ status: 'open', subject: { kind: 'device', id: device }, severity: 'medium' });

    const acked = await patch(finding.id, { action: 'acknowledge', comment: 'lab machine, registering next week' });
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json()).toMatchObject({
      status: 'acknowledged',
      statusChangedBy: 'dana',
      statusComment: 'lab machine, registering next week',
    });
    expect((await reconcile()).counts.totals).toMatchObject({ opened: 0, returned: 0, resolved: 0 });
    expect((await list(`?deviceId=${device}`)).items[0].status).toBe('acknowledged');

    // New evidence: the machine reports another host name. The finding wants attention again.
    await report(agent, { serial: 'SHADOW-1', hostname: 'shadow-renamed' });
    expect((await reconcile()).counts.byType.unregistered_device).toMatchObject({ returned: 1, opened: 0 });
    const detail = (await t.inject({ url: `/api/v1/findings/${finding.id}` })).json();
    expect(detail.status).toBe('open');
    expect(detail.evidence.facts.hostname).toBe('shadow-renamed');
    expect(detail.history.map((e: { kind: string; actor: string }) => `${e.kind} by ${e.actor}`)).toEqual([
      'opened by reconciliation',
      'acknowledged by dana',
      'evidence_changed by reconciliation',
    ]);
    const audit = (await t.inject({ url: `/api/v1/audit?entityType=finding&entityId=${finding.id}` })).json();
    expect(audit.items).toEqual([
      expect.objectContaining({
        actor: 'dana',
        action: 'status',
        before: { status: 'open', snoozedUntil: null },
        after: { status: 'acknowledged', snoozedUntil: null },
        context: expect.stringContaining('lab machine'),
      }),
    ]);
  });

  it('snoozes until a date, then reopens the finding if it still holds; resolved findings cannot be changed', async () => {
    const agent = await enrolAgent(t.app);
    const device = await report(agent, { serial: 'SHADOW-2', hostname: 'shadow-2' });
    await reconcile();
    const [finding] = (await list(`?deviceId=${device}`)).items;
    const until = new Date(NOW.getTime() + 2 * DAY).toISOString();
    const snoozed = await patch(finding.id, { action: 'snooze', until, comment: 'waiting for the order' });
    expect(snoozed.json()).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    await reconcile();
    expect((await list(`?deviceId=${device}`)).items[0].status).toBe('snoozed');

    vi.setSystemTime(new Date(NOW.getTime() + 3 * DAY));
    await report(agent, { serial: 'SHADOW-2', hostname: 'shadow-2' });
    expect((await reconcile()).counts.byType.unregistered_device).toMatchObject({ returned: 1 });
    const reopened = (await t.inject({ url: `/api/v1/findings/${finding.id}` })).json();
    expect(reopened).toMatchObject({ status: 'open', snoozedUntil: null });
    expect(reopened.history.at(-1)).toMatchObject({ kind: 'snooze_expired', fromStatus: 'snoozed', toStatus: 'open' });

    // Registering the machine resolves the finding; a resolved finding is history.
    await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'A-2', serial: 'SHADOW-2' } });
    await reconcile();
    expect((await t.inject({ url: `/api/v1/findings/${finding.id}` })).json()).toMatchObject({
      status: 'resolved',
      resolvedAt: expect.any(String),
    });
    const refused = await patch(finding.id, { action: 'acknowledge' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().type).toBe('urn:stocktake:problem:conflict');
  });

  it('refuses snoozes without a future date, unknown findings and unknown actions', async () => {
    await report(await enrolAgent(t.app), { serial: 'SHADOW-3' });
    await reconcile();
    const [finding] = (await list('')).items;
    expect((await patch(finding.id, { action: 'snooze' })).statusCode).toBe(400);
    const past = await patch(finding.id, { action: 'snooze', until: new Date(NOW.getTime() - DAY).toISOString() });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([{ path: '/until', message: 'must be in the future' }]);
    expect((await patch(finding.id, { action: 'close' })).statusCode).toBe(400);
    expect((await patch(999, { action: 'acknowledge' })).statusCode).toBe(404);
    expect((await t.inject({ url: '/api/v1/findings/999' })).statusCode).toBe(404);
    // Reopening an open finding changes nothing and writes no audit entry.
    expect((await patch(finding.id, { action: 'reopen' })).json().status).toBe('open');
    expect((await t.inject({ url: '/api/v1/audit?entityType=finding' })).json().items).toEqual([]);
  });

  it('filters by type, status, severity and subject, sorts, and pages with a cursor', async () => {
    for (let i = 0; i < 7; i++) {
      const spec: SnapshotSpec = { serial: `S-${i}`, hostname: `h-${i}` };
      // Every other one also has security updates pending for a month: a second, high finding on the device.
      if (i % 2 === 0) {
        const since = new Date(NOW.getTime() - 30 * DAY).toISOString();
        spec.patches = { pendingCount: 20, pendingSecurityCount: 20, oldestPendingSecuritySince: since };
      }
      await report(await enrolAgent(t.app), spec);
    }
    await reconcile();
    expect((await list('?type=unregistered_device')).items).toHaveLength(7);
    expect((await list('?type=unpatched_device')).items).toHaveLength(4);
    expect((await list('?severity=medium')).items).toHaveLength(7);
    expect((await list('?minSeverity=high')).items).toHaveLength(4);
    expect((await list('?minSeverity=critical')).items).toHaveLength(0);
    expect((await list('?status=resolved')).items).toHaveLength(0);

    // Paged over the planted findings (medium and worse), so rules added later do not move the pages.
    const pages: number[][] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: number }[]; nextCursor: string | null } = await list(
        `?minSeverity=medium&sort=-lastSeenAt&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(page.items.map((f) => f.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 2]);
    expect(new Set(pages.flat()).size).toBe(11);
    const byId = await list('?minSeverity=medium&sort=id&limit=100');
    expect(byId.items.map((f: { id: number }) => f.id)).toEqual([...pages.flat()].sort((a, b) => a - b));
    const bySeverity = (await list('?sort=-severity&limit=100')).items.map((f: { type: string }) => f.type);
    expect(bySeverity.slice(0, 4).every((type: string) => type === 'unpatched_device')).toBe(true);

    const bad = await t.inject({ url: '/api/v1/findings?cursor=nope' });
    expect(bad.statusCode).toBe(400);
    // A cursor issued for one sort is refused for another.
    const first = await list('?sort=id&limit=1');
    expect((await t.inject({ url: `/api/v1/findings?sort=-severity&cursor=${first.nextCursor}` })).statusCode).toBe(
      400,
    );
  });

  it('lists the finding types the registered rules raise, and refuses a type filter naming none of them', async () => {
    const res = await t.inject({ url: '/api/v1/findings/types' });
    expect(res.statusCode, res.body).toBe(200);
    const types = res.json().items as { type: string; subjectKind: string; defaultSeverity: string }[];
    // The rules shipped today; a new rule adds its type here without this test changing.
    expect(types.map((i) => i.type)).toEqual(
      expect.arrayContaining([
        'ghost_asset',
        'hardware_changed',
        'identity_conflict',
        'license_overuse',
        'retired_asset_active',
        'shelfware',
        'stale_agent',
        'unpatched_device',
        'unregistered_device',
        'warranty_expiring',
        'warranty_expired',
      ]),
    );
    expect(types.find((i) => i.type === 'license_overuse')).toMatchObject({
      subjectKind: 'product',
      defaultSeverity: 'high',
      description: expect.stringContaining('seats'),
    });

    const unknown = await t.inject({ url: '/api/v1/findings?type=ghost_assets' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toContain('Unknown finding type "ghost_assets"');
    expect(unknown.json().detail).toContain('ghost_asset, hardware_changed');
    // Not a type at all: refused by its form.
    expect((await t.inject({ url: '/api/v1/findings?type=Ghost-Asset' })).statusCode).toBe(400);
    expect((await list('?type=ghost_asset')).items).toEqual([]);
  });
});
