import { CONSOLE_SECTIONS, CONSOLE_STATIC_PREFIX } from '@stocktake/console';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../test-support/dump.ts';
import { bearer, createTestApp, enrolAgent, TEST_ENROLL_SECRET, type TestApp } from '../../../test-support/test-app.ts';
import type { RegisteredRoute } from '../route-table.ts';
import { routeAccess } from './route-access.ts';

let t: TestApp;
beforeEach(async () => {
  // With a metrics token, so /metrics is among the routes walked.
  t = await createTestApp({ metricsToken: 'metrics-token-of-the-access-test' });
});
afterEach(async () => t.close());

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A concrete URL for a registered path: every parameter gets a value (refusals come before lookups). */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, '999999').replace(/\*$/, 'x');

function call(route: RegisteredRoute, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: route.method as Method, url: concrete(route.url), headers });
}

function expectProblem(res: LightMyRequestResponse, status: number, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
  expect(res.headers['content-type'], what).toContain('application/problem+json');
  if (res.body === '') return; // HEAD
  expect(res.json(), what).toMatchObject({
    status,
    type: status === 401 ? 'urn:stocktake:problem:unauthorized' : 'urn:stocktake:problem:forbidden',
  });
}

describe('authentication and roles on every registered route', () => {
  const CONSOLE_PAGES = new Set([
    '/',
    `${CONSOLE_STATIC_PREFIX}*`,
    ...CONSOLE_SECTIONS.flatMap((s) => [`/${s}`, `/${s}/*`]),
  ]);

  it('lists the routes Fastify registered, and only a handful are public', () => {
    const routes = t.app.registeredRoutes;
    expect(routes.length).toBeGreaterThan(40);
    const isPublic = routes.filter((r) => routeAccess(r.method, r.url).kind === 'public');
    // The console's page shell and scripts hold no data: a login page must be open to all.
    const consolePages = isPublic.filter((r) => CONSOLE_PAGES.has(r.url));
    expect(consolePages.every((r) => r.method === 'GET' || r.method === 'HEAD')).toBe(true);
    expect(new Set(consolePages.map((r) => r.url))).toEqual(CONSOLE_PAGES);
    const visiblePublic = isPublic.filter((r) => !r.url.startsWith('/docs') && !CONSOLE_PAGES.has(r.url));
    expect(visiblePublic.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [
        'GET /healthz',
        'HEAD /healthz',
        'GET /readyz',
        'HEAD /readyz',
        'GET /openapi.json',
        'HEAD /openapi.json',
        'POST /api/v1/agent/enroll',
        'POST /api/v1/session',
        // Other tools' agents: the route admits them by its own rule (secret in the path, network).
        'POST /ocsinventory',
        'POST /ocsinventory/:secret',
      ].sort(),
    );
  });

  it('refuses a missing, wrong or revoked token (401), a reader on a write route and the wrong kind of token (403), changing nothing', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const revokedAgent = await enrolAgent(t.app);
    await t.app.stores.agents.revoke(revokedAgent.agentId);
    const reader = await t.token('reader-1', 'reader');
    const admin = t.adminToken;
    const revoked = await t.token('gone', 'admin');
    await t.app.stores.apiTokens.revoke('gone', 'test');
    const before = dumpDatabase(t.store.sqlite);

    const checked = { api: 0, agent: 0, writes: 0, metrics: 0 };
    for (const route of t.app.registeredRoutes) {
      const access = routeAccess(route.method, route.url);
      if (access.kind === 'public') continue;
      const what = `${route.method} ${route.url}`;
      const none = await call(route);
      expectProblem(none, 401, `${what} without a token`);
      expect(none.headers['www-authenticate'], what).toContain('Bearer');
      expectProblem(await call(route, { authorization: 'Basic dXNlcjpwYXNz' }), 401, `${what} with Basic auth`);
      expectProblem(await call(route, bearer('stk_not-a-token')), 401, `${what} with a wrong API token`);
      expectProblem(await call(route, bearer('sta_not-a-token')), 401, `${what} with a wrong agent token`);
      expectProblem(await call(route, bearer(revoked)), 401, `${what} with a revoked API token`);
      expectProblem(await call(route, bearer(revokedAgent.agentToken)), 401, `${what} with a revoked agent token`);
      if (access.kind === 'agent') {
        checked.agent++;
        expectProblem(await call(route, bearer(admin)), 403, `${what} with an admin API token`);
        expectProblem(await call(route, bearer(reader)), 403, `${what} with a reader API token`);
      } else if (access.kind === 'metrics') {
        // Only the metrics token opens it: API and agent tokens are not credentials there.
        checked.metrics++;
        expectProblem(await call(route, bearer(admin)), 401, `${what} with an admin API token`);
        expectProblem(await call(route, bearer(agentToken)), 401, `${what} with an agent token`);
      } else {
        checked.api++;
        expectProblem(await call(route, bearer(agentToken)), 403, `${what} with an agent token`);
        if (access.role === 'admin') {
          checked.writes++;
          expectProblem(await call(route, bearer(reader)), 403, `${what} with a reader token`);
        }
      }
    }
    expect(checked.agent).toBeGreaterThanOrEqual(3);
    expect(checked.metrics).toBe(2);
    expect(checked.api).toBeGreaterThan(30);
    expect(checked.writes).toBeGreaterThan(15);
    const after = dumpDatabase(t.store.sqlite);
    expect(after.audit_log).toEqual(before.audit_log);
    expect(after).toEqual(before);
    expect(agentId).toBeTruthy();
  });

  it('lets a reader read every read route and an admin reach every route (no 401 or 403)', async () => {
    const reader = await t.token('reader-1', 'reader');
    for (const route of t.app.registeredRoutes) {
      const access = routeAccess(route.method, route.url);
      if (access.kind !== 'api') continue;
      const token = access.role === 'reader' ? reader : t.adminToken;
      // Writes are sent with no body: the role check passes and validation refuses, so nothing changes.
      const res = await call(route, bearer(token));
      expect([401, 403], `${route.method} ${route.url}: ${res.body}`).not.toContain(res.statusCode);
    }
  });

  it('still answers 404 for routes that do not exist, token or not', async () => {
    for (const headers of [{}, bearer(t.adminToken)]) {
      const res = await t.app.inject({ url: '/api/v1/nothing-here', headers });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('API tokens', () => {
  it('records the token name as the actor of every write, and a revoked token stops at its next request', async () => {
    const ci = await t.token('ci-deploy', 'admin');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: bearer(ci),
      payload: { assetTag: 'A-1' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const audit = (await t.inject(`/api/v1/audit?entityId=${created.json().id}`)).json().items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['ci-deploy']);

    const revoke = await t.inject({ method: 'DELETE', url: '/api/v1/tokens/ci-deploy' });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(revoke.json()).toMatchObject({ name: 'ci-deploy', revokedBy: 'test-admin' });
    const after = await t.app.inject({ url: '/api/v1/assets', headers: bearer(ci) });
    expect(after.statusCode).toBe(401);
  });

  it('creates tokens over the API for admins, shows the secret once and stores only its hash', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'grafana', role: 'reader' } });
    expect(res.statusCode, res.body).toBe(201);
    const { secret, ...token } = res.json();
    expect(secret).toMatch(/^stk_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'grafana', role: 'reader', createdBy: 'test-admin', revokedAt: null });
    const stored = JSON.stringify(dumpDatabase(t.store.sqlite));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(4));

    const list = (await t.inject('/api/v1/tokens')).json().items;
    expect(list.map((x: { name: string }) => x.name)).toEqual(['test-admin', 'grafana']);
    expect(JSON.stringify(list)).not.toContain('hash');
    // A reader reads the inventory but not the token list.
    expect((await t.app.inject({ url: '/api/v1/devices', headers: bearer(secret) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/tokens', headers: bearer(secret) })).statusCode).toBe(403);

    const dup = await t.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'grafana', role: 'admin' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors).toEqual([{ path: '/name', message: expect.any(String) }]);
    for (const name of ['discovery', '12345', 'has space', 'cli:root']) {
      const bad = await t.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name, role: 'reader' } });
      expect(bad.statusCode, name).toBe(400);
      expect(bad.json().errors[0].path).toBe('/name');
    }
    const audit = (await t.inject('/api/v1/audit?entityType=api_token')).json().items;
    expect(audit[0]).toMatchObject({
      actor: 'test-admin',
      action: 'create',
      after: { name: 'grafana', role: 'reader' },
    });
  });
});

describe('enroll secrets', () => {
  const enrol = (enrollSecret: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/agent/enroll',
      payload: { enrollSecret, hostname: 'ws-1', agentVersion: '0.1.0', platform: 'linux' },
    });

  it('keeps the configured secret as the first one, rotates to a new one and revokes the old', async () => {
    const listed = (await t.inject('/api/v1/enroll-secrets')).json().items;
    expect(listed).toEqual([expect.objectContaining({ id: 1, origin: 'config', revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(TEST_ENROLL_SECRET);
    expect((await enrol(TEST_ENROLL_SECRET)).statusCode).toBe(201);

    const kept = await t.inject({
      method: 'POST',
      url: '/api/v1/enroll-secrets/rotate',
      payload: { keepPrevious: true },
    });
    expect(kept.statusCode, kept.body).toBe(201);
    expect(kept.json().revoked).toEqual([]);
    expect((await enrol(kept.json().secret)).statusCode).toBe(201);
    expect((await enrol(TEST_ENROLL_SECRET)).statusCode).toBe(201);

    const rotated = await t.inject({ method: 'POST', url: '/api/v1/enroll-secrets/rotate', payload: {} });
    expect(rotated.statusCode, rotated.body).toBe(201);
    expect(rotated.json().revoked.map((s: { id: number }) => s.id)).toEqual([1, 2]);
    expect((await enrol(TEST_ENROLL_SECRET)).statusCode).toBe(403);
    expect((await enrol(kept.json().secret)).statusCode).toBe(403);
    const fresh = rotated.json().secret as string;
    expect((await enrol(fresh)).statusCode).toBe(201);

    const revoke = await t.inject({
      method: 'DELETE',
      url: `/api/v1/enroll-secrets/${rotated.json().created.fingerprint}`,
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    const refused = await enrol(fresh);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().type).toBe('urn:stocktake:problem:forbidden');
    const audit = (await t.inject('/api/v1/audit?entityType=enroll_secret')).json().items;
    expect(audit.map((a: { action: string; actor: string }) => `${a.action} ${a.actor}`)).toEqual([
      'revoke test-admin',
      'revoke test-admin',
      'revoke test-admin',
      'create test-admin',
      'create test-admin',
      'create config',
    ]);
  });

  it('replaces the configured secret when the configuration changes, and never revives a revoked one', async () => {
    const secrets = t.app.stores.enrollSecrets;
    expect(await secrets.syncConfigured(TEST_ENROLL_SECRET)).toEqual({ live: true, changed: false });
    expect(await secrets.syncConfigured('another-configured-secret')).toEqual({ live: true, changed: true });
    expect(await secrets.accepts(TEST_ENROLL_SECRET)).toBe(false);
    expect(await secrets.accepts('another-configured-secret')).toBe(true);
    await secrets.revoke('2', 'test');
    expect(await secrets.syncConfigured('another-configured-secret')).toEqual({ live: false, changed: false });
    expect(await secrets.accepts('another-configured-secret')).toBe(false);
  });
});
