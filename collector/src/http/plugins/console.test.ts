import { readFileSync } from 'node:fs';
import { CONSOLE_ASSETS } from '@stocktake/console';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.ts';
import { CONSOLE_CSP } from './console.ts';

// The console is built by the tests' global set-up (collector/console/global-setup.ts).
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const shell = () => readFileSync(new URL('index.html', CONSOLE_ASSETS), 'utf8');

describe('the web console', () => {
  it('answers / and its client routes with the page shell, without a credential, under a CSP with no inline script', async () => {
    for (const url of ['/', '/devices', '/devices/1f4446f8-18ef-45b5-a523-f772c4d775b2', '/assets/new', '/admin']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(shell());
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    // The shell itself holds no inline script or style for the policy to have to allow.
    expect(shell()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(shell()).not.toMatch(/\sstyle=|<style/);
  });

  it('serves its hashed scripts for a year, gzipped to browsers that take gzip', async () => {
    const script = /src="(\/static\/[^"]+\.js)"/.exec(shell())?.[1];
    expect(script).toBeDefined();
    const plain = await t.app.inject({ url: script as string });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toContain('immutable');
    const gzipped = await t.app.inject({ url: script as string, headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(Number(gzipped.headers['content-length'])).toBeLessThan(250 * 1024);
  });

  it('shadows neither the API, nor /docs and /healthz, and an unknown path stays a 404 problem', async () => {
    const api = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await t.app.inject({ url: '/api/v1/devices' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
    expect((await t.app.inject({ url: '/docs/json' })).json()).toHaveProperty('openapi');
    const unknown = await t.app.inject({ url: '/no-such-page' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await t.app.inject({ url: '/static/missing.js' })).statusCode).toBe(404);
  });

  it('keeps its pages out of the API reference', async () => {
    const paths = Object.keys((await t.app.inject({ url: '/docs/json' })).json().paths);
    expect(paths.filter((p) => !p.startsWith('/api/') && !['/healthz', '/readyz'].includes(p))).toEqual([]);
  });
});
