import { afterEach, describe, expect, it } from 'vitest';
import { callableRoutes, expectProblem, type Method, routeCredentials } from '../../test-support/routes.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('numeric ids and numbers', () => {
  const NOT_CANONICAL = ['0x1', '1e0', '+1', '01', '%201', '1.0', '-0'];
  const integerFields = (schema: unknown) =>
    Object.entries((schema as { properties?: Record<string, { type?: string }> } | undefined)?.properties ?? {})
      .filter(([, s]) => s.type === 'integer')
      .map(([name]) => name);

  it('reads a path id only in its decimal form, on every route that takes one', async () => {
    const test = await createTestApp();
    t = test;
    const { agentToken } = await enrolAgent(test.app);
    let checked = 0;
    for (const route of callableRoutes(test.app)) {
      for (const name of integerFields(route.schema?.params)) {
        const request = (value: string) =>
          test.app.inject({
            method: route.method as Method,
            url: route.url.replace(`:${name}`, value).replace(/:[A-Za-z]+/g, '1'),
            headers: routeCredentials(test, agentToken, route.method, route.url),
            ...(route.schema?.body ? { payload: {} } : {}),
          });
        const field = { path: `/${name}`, message: expect.any(String) };
        for (const raw of NOT_CANONICAL) {
          const res = await request(raw);
          expect(res.statusCode, `${route.method} ${route.url} with ${raw}: ${res.body}`).toBe(400);
          if (route.method === 'HEAD') continue;
          expectProblem(res, 400, 'urn:stocktake:problem:validation');
          expect(res.json().errors, `${route.method} ${route.url} with ${raw}`).toContainEqual(field);
        }
        const plain = await request('1');
        if (plain.statusCode === 400 && route.method !== 'HEAD')
          expect(plain.json().errors, `${route.method} ${route.url}`).not.toContainEqual(field);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('reads a number in a query string only in its decimal form, on every route', async () => {
    t = await createTestApp();
    const { agentToken } = await enrolAgent(t.app);
    let checked = 0;
    for (const route of callableRoutes(t.app)) {
      // Fastify checks a body before the query string: these routes take no number in the query.
      if (route.schema?.body) continue;
      const url = route.url.replace(/:[A-Za-z]+/g, '1');
      const headers = routeCredentials(t, agentToken, route.method, route.url);
      for (const name of integerFields(route.schema?.querystring)) {
        for (const raw of [...NOT_CANONICAL, '']) {
          const res = await t.app.inject({ method: route.method as Method, url: `${url}?${name}=${raw}`, headers });
          expect(res.statusCode, `${route.method} ${url}?${name}=${raw}: ${res.body}`).toBe(400);
          if (route.method !== 'HEAD') {
            expect(res.json().errors, `${route.method} ${url}?${name}=${raw}`).toContainEqual({
              path: `/${name}`,
              message: expect.any(String),
            });
          }
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // The plain form still works.
    expect((await t.inject('/api/v1/devices?limit=1')).statusCode).toBe(200);
    expect((await t.inject('/api/v1/devices?notSeenDays=0')).statusCode).toBe(200);
  });

  it('revokes a token by its id only in decimal form, never by 0-padded digits', async () => {
    t = await createTestApp();
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'grafana', role: 'reader' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: number };
    expectProblem(
      await t.inject({ method: 'DELETE', url: `/api/v1/tokens/0${id}` }),
      404,
      'urn:stocktake:problem:not-found',
    );
    const live = (await t.inject('/api/v1/tokens')).json().items as { name: string }[];
    expect(live.map((token) => token.name)).toContain('grafana');
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}` })).statusCode).toBe(200);
  });
});
