import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot } from '@stocktake/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../compose/app.ts';
import { ConfigError, resolveConfig } from '../config.ts';
import { dumpDatabase } from '../test-support/dump.ts';
import { bearer, createTestApp, enrolAgent, TEST_ENROLL_SECRET, type TestApp } from '../test-support/test-app.ts';
import { routeAccess } from './plugins/access/route-access.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** The route's URL with every parameter filled: an enumerated one with its first value, the rest with a number. */
const concrete = (url: string, params?: unknown) =>
  url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const property = (params as { properties?: Record<string, { enum?: unknown[]; anyOf?: { const?: unknown }[] }> })
      ?.properties?.[name];
    const first = property?.enum?.[0] ?? property?.anyOf?.[0]?.const;
    return typeof first === 'string' ? first : '999999';
  });

function expectProblem(res: LightMyRequestResponse, status: number, type: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status, type, title: expect.any(String), detail: expect.any(String) });
}

const enrolFrom = (app: TestApp['app'], address?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/agent/enroll',
    headers: address ? { 'x-forwarded-for': address } : {},
    payload: { enrollSecret: TEST_ENROLL_SECRET, hostname: 'ws-1', agentVersion: '0.1.0', platform: 'linux' },
  });

describe('rate limits', () => {
  it('limits each API token on its own, and enrolment per client address, with a 429 problem and Retry-After', async () => {
    t = await createTestApp({ rateLimit: { perToken: 3, enrollPerAddress: 2 } });
    const reader = await t.token('grafana', 'reader');
    for (let i = 0; i < 3; i++) expect((await t.inject('/api/v1/devices')).statusCode).toBe(200);
    const limited = await t.inject('/api/v1/devices');
    expectProblem(limited, 429, 'urn:stocktake:problem:too-many-requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.inject({ url: '/api/v1/devices', headers: bearer(reader) })).statusCode).toBe(200);

    expect((await enrolFrom(t.app)).statusCode).toBe(201);
    const agent = await enrolFrom(t.app);
    expect(agent.statusCode).toBe(201);
    expectProblem(await enrolFrom(t.app), 429, 'urn:stocktake:problem:too-many-requests');
    // Agents' own routes are not limited: a refused snapshot would be dropped by the agent.
    const { agentId, agentToken } = agent.json();
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/agent/snapshots',
        headers: bearer(agentToken),
        payload: makeSnapshot({ agentId }),
      });
      expect(res.statusCode).toBe(201);
    }
    // Health checks are never limited.
    for (let i = 0; i < 10; i++) expect((await t.app.inject('/healthz')).statusCode).toBe(200);
  });

  it('counts enrolment per forwarded client only behind a trusted proxy', async () => {
    t = await createTestApp({ rateLimit: { enrollPerAddress: 1 }, trustProxy: '127.0.0.1' });
    expect((await enrolFrom(t.app, '198.51.100.7')).statusCode).toBe(201);
    expect((await enrolFrom(t.app, '198.51.100.8')).statusCode).toBe(201);
    expect((await enrolFrom(t.app, '198.51.100.7')).statusCode).toBe(429);
    await t.close();
    // Not trusted: X-Forwarded-For is ignored and everyone is the proxy.
    t = await createTestApp({ rateLimit: { enrollPerAddress: 1 } });
    expect((await enrolFrom(t.app, '198.51.100.7')).statusCode).toBe(201);
    expect((await enrolFrom(t.app, '198.51.100.8')).statusCode).toBe(429);
  });
});

describe('trusted proxies', () => {
  it('refuses to believe X-Forwarded-For from any client, naming the proxies to give instead', () => {
    for (const raw of ['true', '1', '0.0.0.0/0']) {
      expect(() => resolveConfig({ 'trust-proxy': raw }, {}), raw).toThrow(/name the proxies/);
      expect(() => resolveConfig({}, { STOCKTAKE_TRUST_PROXY: raw }), raw).toThrow(ConfigError);
    }
  });

  it('keeps counting enrolments per connecting address when X-Forwarded-For comes from a client that is no trusted proxy', async () => {
    // The test's requests come from 127.0.0.1, which is not in the trusted range.
    t = await createTestApp({ rateLimit: { enrollPerAddress: 2 }, trustProxy: '10.0.0.0/8' });
    expect((await enrolFrom(t.app, '198.51.100.1')).statusCode).toBe(201);
    expect((await enrolFrom(t.app, '198.51.100.2')).statusCode).toBe(201);
    expect((await enrolFrom(t.app, '198.51.100.3')).statusCode).toBe(429);
  });
});

describe('strict requests', () => {
  it('refuses an unknown query parameter on every route, naming it', async () => {
    t = await createTestApp();
    const { agentToken } = await enrolAgent(t.app);
    let checked = 0;
    for (const route of t.app.registeredRoutes) {
      if (route.hidden || route.url === '/api/v1/agent/ws' || route.method === 'OPTIONS') continue;
      const query = route.schema?.querystring as { additionalProperties?: boolean } | undefined;
      expect(query?.additionalProperties, `${route.method} ${route.url}`).toBe(false);
      // Fastify checks the body before the query string: routes that take one are covered by the test below.
      if (route.schema?.body) continue;
      const access = routeAccess(route.method, route.url);
      const headers = access.kind === 'agent' ? bearer(agentToken) : access.kind === 'api' ? bearer(t.adminToken) : {};
      const url = `${concrete(route.url, route.schema?.params)}?stocktakeTypo=1`;
      const res = await t.app.inject({ method: route.method as Method, url, headers });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(400);
      if (route.method !== 'HEAD') {
        expect(res.json().errors, `${route.method} ${route.url}`).toContainEqual({
          path: '/stocktakeTypo',
          message: 'is not a known property',
        });
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(45);
  });

  it('refuses an unknown property in every JSON body, naming it, and writes nothing', async () => {
    t = await createTestApp();
    const { agentToken } = await enrolAgent(t.app);
    const before = dumpDatabase(t.store.sqlite);
    let checked = 0;
    for (const route of t.app.registeredRoutes) {
      const body = route.schema?.body as { type?: string } | undefined;
      if (body?.type !== 'object') continue;
      const access = routeAccess(route.method, route.url);
      const headers = access.kind === 'agent' ? bearer(agentToken) : access.kind === 'api' ? bearer(t.adminToken) : {};
      const res = await t.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers,
        payload: { stocktakeTypo: 1 },
      });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(400);
      expect(res.json().errors, `${route.method} ${route.url}`).toContainEqual({
        path: '/stocktakeTypo',
        message: 'is not a known property',
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('answers every refusal as problem+json with a stable type: 400, 401, 403, 404, 409, 413, 415', async () => {
    t = await createTestApp();
    const reader = await t.token('viewer', 'reader');
    const validation = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 7 } });
    expectProblem(validation, 400, 'urn:stocktake:problem:validation');
    expect(validation.json().errors).toEqual([{ path: '/assetTag', message: expect.any(String) }]);
    const missing = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: {} });
    expect(missing.json().errors).toEqual([{ path: '/assetTag', message: 'is required' }]);
    expectProblem(await t.app.inject('/api/v1/devices'), 401, 'urn:stocktake:problem:unauthorized');
    expectProblem(
      await t.app.inject({ method: 'DELETE', url: '/api/v1/assets/x', headers: bearer(reader) }),
      403,
      'urn:stocktake:problem:forbidden',
    );
    expectProblem(await t.inject('/api/v1/assets/nope'), 404, 'urn:stocktake:problem:not-found');
    await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'A-1' } });
    const conflict = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'A-1' } });
    expectProblem(conflict, 409, 'urn:stocktake:problem:conflict');
    expect(conflict.json().errors).toEqual([{ path: '/assetTag', message: expect.any(String) }]);
    const big = await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ assetTag: 'A-2', notes: 'x'.repeat(1024 * 1024) }),
    });
    expectProblem(big, 413, 'urn:stocktake:problem:payload-too-large');
    const text = await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { 'content-type': 'text/plain' },
      payload: 'assetTag=A-3',
    });
    expectProblem(text, 415, 'urn:stocktake:problem:unsupported-media-type');
  });
});

describe('CORS', () => {
  it('sends no CORS headers and answers no preflight unless origins are configured', async () => {
    t = await createTestApp();
    const plain = await t.inject({ url: '/api/v1/devices', headers: { origin: 'https://evil.example' } });
    expect(plain.statusCode).toBe(200);
    expect(Object.keys(plain.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/devices',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(404);
  });

  it('allows only the configured origins', async () => {
    t = await createTestApp({ corsOrigins: ['https://dash.example.org'] });
    const allowed = await t.inject({ url: '/api/v1/devices', headers: { origin: 'https://dash.example.org' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example.org');
    const other = await t.inject({ url: '/api/v1/devices', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/devices',
      headers: { origin: 'https://dash.example.org', 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example.org');
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('TLS', () => {
  it.skipIf(!hasOpenssl)('serves HTTPS with the given certificate and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'));
      const app = await buildApp({
        dbPath: join(dir, 'stocktake.db'),
        enrollSecret: TEST_ENROLL_SECRET,
        snapshotBodyLimit: 1024 * 1024,
        bodyLimit: 1024 * 1024,
        pruneIntervalMs: 0,
        logger: false,
        https: { cert, key: readFileSync(join(dir, 'key.pem')) },
      });
      try {
        const url = await app.listen({ host: '127.0.0.1', port: 0 });
        expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const port = (app.server.address() as AddressInfo).port;
        const body = await new Promise<string>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', ca: cert }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () => resolve(text));
          });
          req.on('error', reject);
          req.end();
        });
        expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
        // Plain HTTP to the TLS port gets nothing a client could mistake for an answer.
        await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  it('reads the hardening options from flags and the environment, refusing nonsense', () => {
    const config = resolveConfig(
      {
        'tls-cert': '/etc/stocktake/cert.pem',
        'tls-key': '/etc/stocktake/key.pem',
        'trust-proxy': '10.0.0.0/8, 127.0.0.1',
        'cors-origin': 'https://dash.example.org',
      },
      { STOCKTAKE_RATE_LIMIT: '300', STOCKTAKE_ENROLL_RATE_LIMIT: '0' },
    );
    expect(config).toMatchObject({
      tls: { certPath: '/etc/stocktake/cert.pem', keyPath: '/etc/stocktake/key.pem' },
      trustProxy: '10.0.0.0/8,127.0.0.1',
      corsOrigins: ['https://dash.example.org'],
      rateLimit: 300,
      enrollRateLimit: 0,
    });
    expect(resolveConfig({}, {})).toMatchObject({
      trustProxy: false,
      corsOrigins: [],
      rateLimit: 1200,
      enrollRateLimit: 60,
    });
    for (const flags of [
      { 'tls-cert': '/x.pem' },
      { 'trust-proxy': 'proxy.example.org' },
      { 'trust-proxy': '10.0.0.0/33' },
      { 'trust-proxy': 'true' },
      { 'trust-proxy': '2' },
      { 'trust-proxy': '0.0.0.0/0' },
      { 'trust-proxy': '127.0.0.1,::/0' },
      { 'cors-origin': '*' },
      { 'cors-origin': 'https://dash.example.org/path' },
      { 'rate-limit': 'lots' },
    ]) {
      expect(() => resolveConfig(flags, {}), JSON.stringify(flags)).toThrow(ConfigError);
    }
  });
});
