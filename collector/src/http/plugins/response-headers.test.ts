import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { callableRoutes, type Method, routeCredentials } from '../../test-support/routes.ts';
import { createTestApp, enrolAgent, TEST_ENROLL_SECRET, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('response headers', () => {
  it('answers every route, and every refusal, with nosniff, and the API with no-store', async () => {
    t = await createTestApp();
    const { agentToken } = await enrolAgent(t.app);
    const answers: { what: string; url: string; res: LightMyRequestResponse }[] = [];
    for (const route of callableRoutes(t.app)) {
      const url = route.url.replace(/:[A-Za-z]+/g, '1');
      const res = await t.app.inject({
        method: route.method as Method,
        url,
        headers: routeCredentials(t, agentToken, route.method, route.url),
      });
      answers.push({ what: `${route.method} ${route.url} (${res.statusCode})`, url, res });
    }
    const devices = '/api/v1/devices';
    const assets = '/api/v1/assets';
    answers.push(
      { what: 'no token', url: devices, res: await t.app.inject(devices) },
      { what: 'no route', url: '/api/v1/nothing-here', res: await t.inject('/api/v1/nothing-here') },
      {
        what: 'invalid body',
        url: assets,
        res: await t.inject({ method: 'POST', url: assets, payload: { assetTag: 7 } }),
      },
      {
        what: 'not JSON',
        url: assets,
        res: await t.inject({
          method: 'POST',
          url: assets,
          headers: { 'content-type': 'application/json' },
          payload: '{"assetTag":',
        }),
      },
    );
    expect(answers.length).toBeGreaterThan(50);
    for (const { what, url, res } of answers) {
      expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      if (url.startsWith('/api/')) expect(res.headers['cache-control'], what).toBe('no-store');
    }
  });

  it('marks every answer that carries a new secret no-store', async () => {
    t = await createTestApp();
    const enrolled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agent/enroll',
      payload: { enrollSecret: TEST_ENROLL_SECRET, hostname: 'ws-1', agentVersion: '0.1.0', platform: 'linux' },
    });
    expect(enrolled.statusCode).toBe(201);
    expect(enrolled.json().agentToken).toEqual(expect.any(String));
    const token = await t.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'grafana', role: 'reader' },
    });
    expect(token.statusCode).toBe(201);
    expect(token.json().secret).toEqual(expect.any(String));
    const rotated = await t.inject({ method: 'POST', url: '/api/v1/enroll-secrets/rotate', payload: {} });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json().secret).toEqual(expect.any(String));
    for (const res of [enrolled, token, rotated]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
