import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const put = async (url: string, payload: object) =>
  t.inject({ method: 'PUT', url, headers: await t.as('fred'), payload });

describe('/api/v1/policies', () => {
  it('shows the defaults, stores a document, and audits each change', async () => {
    const initial = (await t.inject({ url: '/api/v1/policies' })).json();
    expect(initial).toMatchObject({ document: {}, updatedAt: null, policy: { ghostAfterDays: 30, staleAfterDays: 7 } });

    const res = await put('/api/v1/policies', { ghostAfterDays: 45, patch: { windows: { maxSecurityAgeDays: 7 } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      document: { ghostAfterDays: 45, patch: { windows: { maxSecurityAgeDays: 7 } } },
      policy: {
        ghostAfterDays: 45,
        staleAfterDays: 7,
        patch: { windows: { maxSecurityAgeDays: 7, maxPendingSecurity: 10 } },
      },
      updatedBy: 'fred',
    });
    // The same document again writes nothing.
    await put('/api/v1/policies', { patch: { windows: { maxSecurityAgeDays: 7 } }, ghostAfterDays: 45 });
    const audit = (await t.inject({ url: '/api/v1/audit?entityType=policy' })).json().items;
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'fred',
        action: 'create',
        entityId: 'reconciliation',
        after: { ghostAfterDays: 45, patch: { windows: { maxSecurityAgeDays: 7 } } },
      }),
    ]);
  });

  it('refuses a bad document naming the key, and keeps the one in force', async () => {
    await put('/api/v1/policies', { staleAfterDays: 3 });
    for (const [payload, path] of [
      [{ stale: 3 }, '/stale'],
      [{ staleAfterDays: 0 }, '/staleAfterDays'],
      [{ patch: { linux: { baselines: [{ osName: 'Ubuntu' }] } } }, '/patch/linux/baselines/0'],
      [{ notifications: { webhookUrl: 'file:///etc/passwd' } }, '/notifications/webhookUrl'],
    ] as const) {
      const res = await put('/api/v1/policies', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await t.inject({ url: '/api/v1/policies' })).json().document).toEqual({ staleAfterDays: 3 });
  });

  it('replaces the end-of-support list and goes back to the bundled one', async () => {
    const bundled = (await t.inject({ url: '/api/v1/policies/end-of-support' })).json();
    expect(bundled.custom).toBe(false);
    expect(bundled.items.length).toBeGreaterThan(20);
    const mine = [
      { product: 'Debian 12', family: 'linux', name: 'Debian*', version: '12', endOfSupport: '2026-06-10' },
    ];
    const res = await put('/api/v1/policies/end-of-support', { items: mine });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ items: mine, custom: true });
    expect((await t.inject({ url: '/api/v1/policies' })).json().policy.endOfSupport).toEqual(mine);
    const bad = await put('/api/v1/policies/end-of-support', {
      items: [{ product: 'X', name: 'X', endOfSupport: 'soon' }],
    });
    expect(bad.statusCode).toBe(400);
    const reset = await t.inject({ method: 'DELETE', url: '/api/v1/policies/end-of-support' });
    expect(reset.json()).toEqual({ items: bundled.items, custom: false });
  });
});
