import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

let t: TestApp;
afterEach(async () => t.close());

/** The session cookie a login set, as a Cookie header sends it back. */
function cookieOf(res: LightMyRequestResponse): { cookie: string } {
  const set = String(res.headers['set-cookie']);
  return { cookie: set.split(';')[0] as string };
}

async function person(name: string, role: 'admin' | 'reader') {
  await t.app.stores.users.create({ name, role, password: PASSWORD }, 'test');
}

const login = (name: string, password = PASSWORD, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password }, headers });

/** Logged in: the cookie and the CSRF token as headers for a write. */
async function loggedIn(name: string) {
  const res = await login(name);
  expect(res.statusCode, res.body).toBe(200);
  const cookie = cookieOf(res);
  return { cookie, write: { ...cookie, 'x-csrf-token': res.json().csrfToken as string } };
}

describe('logging in, who am I, logging out', () => {
  it('answers a session cookie that is HttpOnly, SameSite=Strict, for the whole collector, with an expiry; who am I names the person', async () => {
    t = await createTestApp();
    await person('ana', 'reader');
    const res = await login('ana');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'user', name: 'ana', role: 'reader' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^stocktake_session=sts_[A-Za-z0-9_-]{43}; /);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).toContain('Max-Age=43200');
    // Plain HTTP: a Secure cookie would never come back.
    expect(set).not.toContain('Secure');

    const me = await t.app.inject({ url: '/api/v1/session', headers: cookieOf(res) });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toEqual({ ...body, expiresAt: expect.any(String) });
    // The server keeps only a hash of the session token.
    const token = cookieOf(res).cookie.split('=')[1] as string;
    expect(JSON.stringify(dumpDatabase(t.store.sqlite))).not.toContain(token);
  });

  it('marks the cookie Secure when the request came over TLS (here through a trusted proxy)', async () => {
    t = await createTestApp({ trustProxy: '127.0.0.1' });
    await person('ana', 'reader');
    const res = await login('ana', PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(res.statusCode, res.body).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('refuses a wrong password, an unknown name and a disabled account with one 401', async () => {
    t = await createTestApp();
    await person('ana', 'reader');
    await person('bo', 'reader');
    await t.app.stores.users.disable('bo', 'test');
    const answers = [await login('ana', 'not the password'), await login('nobody'), await login('bo')];
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(new Set(answers.map((r) => r.json().detail)).size).toBe(1);
  });

  it('logs out with the CSRF token: the session ends and the cookie is cleared', async () => {
    t = await createTestApp();
    await person('ana', 'reader');
    const { cookie, write } = await loggedIn('ana');
    const refused = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: cookie });
    expect(refused.statusCode).toBe(403);
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: write });
    expect(out.statusCode, out.body).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^stocktake_session=; Max-Age=0; /);
    const after = await t.app.inject({ url: '/api/v1/session', headers: cookie });
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toContain('log in again');
  });

  it('keeps bearer tokens working for scripts; who am I names the token, and a token has no session to end', async () => {
    t = await createTestApp();
    const me = await t.inject('/api/v1/session');
    expect(me.json()).toEqual({ kind: 'token', name: 'test-admin', role: 'admin', expiresAt: null, csrfToken: null });
    expect((await t.inject({ method: 'DELETE', url: '/api/v1/session' })).statusCode).toBe(400);
  });

  it('takes the cookie on the API only: agent routes and a missing session still answer 401', async () => {
    t = await createTestApp();
    await person('ops', 'admin');
    const { cookie } = await loggedIn('ops');
    await enrolAgent(t.app);
    const agent = await t.app.inject({ method: 'POST', url: '/api/v1/agent/snapshots', headers: cookie, payload: {} });
    expect(agent.statusCode).toBe(401);
    const forged = await t.app.inject({ url: '/api/v1/devices', headers: { cookie: 'stocktake_session=sts_forged' } });
    expect(forged.statusCode).toBe(401);
  });
});

describe('writes made with the session cookie', () => {
  it('are refused without the session’s CSRF token, changing nothing, and audited as user:<name> with it', async () => {
    t = await createTestApp();
    await person('ops', 'admin');
    const { cookie, write } = await loggedIn('ops');
    const before = dumpDatabase(t.store.sqlite);
    const asset = { assetTag: 'A-1' };
    for (const headers of [cookie, { ...cookie, 'x-csrf-token': 'not-the-token' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/assets', headers, payload: asset });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ type: 'urn:stocktake:problem:forbidden' });
      expect(res.json().detail).toContain('x-csrf-token');
    }
    // Another session's token does not open this one.
    await person('other', 'admin');
    const other = await loggedIn('other');
    const crossed = { ...cookie, 'x-csrf-token': other.write['x-csrf-token'] };
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/assets', headers: crossed, payload: asset })).statusCode,
    ).toBe(403);
    expect(dumpDatabase(t.store.sqlite).assets).toEqual(before.assets);

    const made = await t.app.inject({ method: 'POST', url: '/api/v1/assets', headers: write, payload: asset });
    expect(made.statusCode, made.body).toBe(201);
    const audit = (await t.inject(`/api/v1/audit?entityId=${made.json().id}`)).json().items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['user:ops']);
  });

  it('follow the person’s role: a reader reads, and is refused writes and the admin routes', async () => {
    t = await createTestApp();
    await person('ana', 'reader');
    const { cookie, write } = await loggedIn('ana');
    expect((await t.app.inject({ url: '/api/v1/devices', headers: cookie })).statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: write,
      payload: { assetTag: 'A' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('This route needs an admin; user ana is a reader');
    expect((await t.app.inject({ url: '/api/v1/users', headers: cookie })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/tokens', headers: cookie })).statusCode).toBe(403);
  });
});

describe('failed logins', () => {
  it('are limited per account: past the limit a 429 problem with Retry-After, even for the right password', async () => {
    t = await createTestApp({ loginLimits: { perAccount: 2, perAddress: 10 } });
    await person('ana', 'reader');
    expect((await login('ana', 'guess number one')).statusCode).toBe(401);
    expect((await login('ana', 'guess number two')).statusCode).toBe(401);
    const limited = await login('ana');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, type: 'urn:stocktake:problem:too-many-requests' });
    expect(limited.json().detail).toMatch(/^Too many failed logins for this account; retry in \d+ s$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
    // Another account is not held back by ana's.
    await person('bo', 'reader');
    expect((await login('bo')).statusCode).toBe(200);
  });

  it('are limited per address, whatever names it tries', async () => {
    t = await createTestApp({ loginLimits: { perAccount: 10, perAddress: 3 } });
    await person('ana', 'reader');
    for (const name of ['a', 'b', 'c']) expect((await login(name)).statusCode).toBe(401);
    const limited = await login('ana');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().detail).toContain('from this address');
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { name: 'ana', password: PASSWORD },
      remoteAddress: '127.0.0.2',
    });
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('/api/v1/users', () => {
  it('lets an admin make accounts (a password made and shown once when none is given), list, reset and disable them, audited', async () => {
    t = await createTestApp();
    const made = await t.inject({ method: 'POST', url: '/api/v1/users', payload: { name: 'ana', role: 'reader' } });
    expect(made.statusCode, made.body).toBe(201);
    const { password, ...user } = made.json();
    expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(user).toMatchObject({ name: 'ana', role: 'reader', createdBy: 'test-admin', disabledAt: null });
    expect(JSON.stringify(dumpDatabase(t.store.sqlite))).not.toContain(password);
    expect((await login('ana', password)).statusCode).toBe(200);

    const given = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { name: 'ops', role: 'admin', password: PASSWORD },
    });
    expect(given.statusCode, given.body).toBe(201);
    expect(given.json().password).toBeUndefined();
    const short = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { name: 'x', role: 'admin', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe('/password');
    const dup = await t.inject({ method: 'POST', url: '/api/v1/users', payload: { name: 'ana', role: 'admin' } });
    expect(dup.statusCode).toBe(409);

    // An admin logged in resets ana's password: her session ends, the new password works.
    const anaSession = cookieOf(await login('ana', password));
    const ops = await loggedIn('ops');
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/ana/reset-password',
      headers: ops.write,
      payload: {},
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const newPassword = reset.json().password as string;
    expect(newPassword).not.toBe(password);
    expect((await t.app.inject({ url: '/api/v1/session', headers: anaSession })).statusCode).toBe(401);
    expect((await login('ana', password)).statusCode).toBe(401);
    const again = cookieOf(await login('ana', newPassword));

    const disabled = await t.app.inject({ method: 'POST', url: '/api/v1/users/ana/disable', headers: ops.write });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ name: 'ana', disabledBy: 'user:ops' });
    expect((await t.app.inject({ url: '/api/v1/session', headers: again })).statusCode).toBe(401);
    expect((await t.inject({ method: 'POST', url: '/api/v1/users/ana/disable' })).statusCode).toBe(404);

    expect((await t.inject('/api/v1/users')).json().items.map((u: { name: string }) => u.name)).toEqual(['ops']);
    const all = (await t.inject('/api/v1/users?includeDisabled=true')).json().items;
    expect(all.map((u: { name: string }) => u.name)).toEqual(['ana', 'ops']);
    const audit = (await t.inject('/api/v1/audit?entityType=user')).json().items;
    expect(audit.map((a: { action: string; actor: string }) => `${a.action} by ${a.actor}`)).toEqual([
      'disable by user:ops',
      'password by user:ops',
      'create by test-admin',
      'create by test-admin',
    ]);
  });
});
