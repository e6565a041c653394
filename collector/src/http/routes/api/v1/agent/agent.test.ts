import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, enrolAgent, TEST_ENROLL_SECRET, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ snapshotBodyLimit: 256 * 1024 });
});
afterEach(async () => t.close());

const push = (token: string | undefined, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload: payload as object,
  });

/** Everything stored, to prove a refused request changed nothing. */
const dump = () => dumpDatabase(t.store.sqlite);

describe('POST /api/v1/agent/enroll', () => {
  it('issues an agent id and token for the right secret', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    expect(agentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(agentToken).toMatch(/^sta_/);
    const stored = t.store.sqlite.prepare('SELECT token_hash FROM agents WHERE id = ?').get(agentId) as {
      token_hash: string;
    };
    expect(stored.token_hash).not.toContain(agentToken);
  });

  it('refuses a wrong secret with 403 problem+json', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/agent/enroll',
      payload: { enrollSecret: 'wrong', hostname: 'h', agentVersion: '1', platform: 'linux' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ type: 'urn:stocktake:problem:forbidden', status: 403 });
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM agents').get()).toEqual({ n: 0 });
  });

  it('marks every response as coming from a Stocktake collector', async () => {
    const res = await t.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-stocktake-collector']).toBeDefined();
    expect(res.json()).toMatchObject({ status: 'ok' });
  });
});

describe('POST /api/v1/agent/snapshots', () => {
  it('stores the device, its OS, hardware and software', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const snapshot = makeSnapshot({
      agentId,
      serial: 'CZC1234XYZ',
      software: [
        dpkgItem('bash', '5.2.15-2+b7'),
        dpkgItem('libc6', '2.36-9+deb12u8'),
        dpkgItem('libc6', '2.36-9+deb12u8', 'i386'),
      ],
    });
    const res = await push(agentToken, snapshot);
    expect(res.statusCode).toBe(201);
    const { deviceId, duplicate } = res.json();
    expect(duplicate).toBe(false);
    const device = (await t.inject({ url: `/api/v1/devices/${deviceId}` })).json();
    expect(device).toMatchObject({
      hostname: 'ws-0001',
      hardwareSerial: 'CZC1234XYZ',
      osName: 'Debian GNU/Linux',
      softwareCount: 3,
    });
    expect(device.software.map((s: { name: string; arch: string }) => `${s.name}:${s.arch}`)).toEqual([
      'bash:amd64',
      'libc6:amd64',
      'libc6:i386',
    ]);
  });

  it('applies only the change on the next snapshot and keeps one catalogue row per package version', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const base = [
      dpkgItem('bash', '5.2.15-2+b7'),
      dpkgItem('curl', '7.88.1-10+deb12u7'),
      dpkgItem('vim', '2:9.0.1378-2'),
    ];
    const first = (await push(agentToken, makeSnapshot({ agentId, software: base }))).json();
    const next = [
      dpkgItem('bash', '5.2.15-2+b7'),
      dpkgItem('curl', '7.88.1-10+deb12u8'),
      dpkgItem('git', '1:2.39.5-0+deb12u1'),
    ];
    const res = await push(agentToken, makeSnapshot({ agentId, software: next }));
    expect(res.json().deviceId).toBe(first.deviceId);
    const device = (await t.inject({ url: `/api/v1/devices/${first.deviceId}` })).json();
    expect(device.software.map((s: { name: string; version: string }) => `${s.name}=${s.version}`)).toEqual([
      'bash=5.2.15-2+b7',
      'curl=7.88.1-10+deb12u8',
      'git=1:2.39.5-0+deb12u1',
    ]);
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM software_catalog').get()).toEqual({ n: 5 });
  });

  it('writes no software rows for an unchanged snapshot', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const software = [dpkgItem('bash', '5.2.15-2+b7')];
    await push(agentToken, makeSnapshot({ agentId, software }));
    const before = t.store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number };
    const changes = t.store.sqlite.prepare('SELECT count(*) AS n FROM device_software').get();
    await push(agentToken, makeSnapshot({ agentId, software }));
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM device_software').get()).toEqual(changes);
    const after = t.store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number };
    // device row update, snapshot row, agent row: no software rows.
    expect(after.n - before.n).toBe(3);
  });

  it('keeps the items of a source that failed instead of treating them as removed', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const snap: typeof dpkgItem = (n, v) => ({ name: n, version: v, source: 'snap' });
    const first = makeSnapshot({ agentId, software: [dpkgItem('bash', '5.2'), snap('firefox', '133.0')] });
    const { deviceId } = (await push(agentToken, first)).json();
    const partial = makeSnapshot({ agentId, software: [dpkgItem('bash', '5.2')] });
    partial.sections.software = {
      ...partial.sections.software,
      status: 'partial',
      failedSources: ['snap'],
      reason: 'snap: timed out',
    };
    expect((await push(agentToken, partial)).statusCode).toBe(201);
    const device = (await t.inject({ url: `/api/v1/devices/${deviceId}` })).json();
    expect(device.software.map((s: { name: string }) => s.name)).toEqual(['bash', 'firefox']);
    expect(device.sections.software).toMatchObject({ status: 'partial', reason: 'snap: timed out' });
  });

  it('acknowledges a resent snapshot id without storing it twice', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const snapshot = makeSnapshot({ agentId, software: [dpkgItem('bash', '5.2')] });
    expect((await push(agentToken, snapshot)).statusCode).toBe(201);
    const before = dump();
    const again = await push(agentToken, snapshot);
    expect(again.statusCode).toBe(200);
    expect(again.json().duplicate).toBe(true);
    expect(dump()).toEqual(before);
  });

  it('refuses a missing, wrong or revoked token with 401 and stores nothing', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const snapshot = makeSnapshot({ agentId });
    for (const token of [undefined, 'sta_not-a-real-token']) {
      const res = await push(token, snapshot);
      expect(res.statusCode).toBe(401);
      expect(res.json().type).toBe('urn:stocktake:problem:unauthorized');
    }
    await t.app.stores.agents.revoke(agentId);
    expect((await push(agentToken, snapshot)).statusCode).toBe(401);
    expect(dump().devices).toEqual([]);
  });

  it('refuses a snapshot that breaks the schema with the JSON paths of the offending fields', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    await push(agentToken, makeSnapshot({ agentId, software: [dpkgItem('bash', '5.2')] }));
    const before = dump();
    const broken = makeSnapshot({ agentId }) as unknown as Record<string, Record<string, unknown>>;
    (broken.identity as Record<string, unknown>).macs = ['not-a-mac'];
    ((broken.sections as Record<string, Record<string, unknown>>).os as Record<string, unknown>).status = 'fine';
    (broken.agent as Record<string, unknown>).shoeSize = 44;
    const res = await push(agentToken, broken);
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.type).toBe('urn:stocktake:problem:validation');
    const paths = problem.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/identity/macs/0', '/sections/os/status', '/agent/shoeSize']));
    expect(dump()).toEqual(before);
  });

  it('refuses a section whose hash does not match its data', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const snapshot = makeSnapshot({ agentId, software: [dpkgItem('bash', '5.2')] });
    snapshot.sections.software.hash = '0'.repeat(64);
    const res = await push(agentToken, snapshot);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/sections/software/hash');
  });

  it("refuses a snapshot claiming another agent's id", async () => {
    const { agentToken } = await enrolAgent(t.app);
    const other = await enrolAgent(t.app);
    const res = await push(agentToken, makeSnapshot({ agentId: other.agentId }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/agent/id');
  });

  it('refuses a body over the configured limit with 413 and stores nothing', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const software = Array.from({ length: 3000 }, (_, i) => dpkgItem(`package-with-a-long-name-${i}`, `1.0.${i}-1`));
    const res = await push(agentToken, makeSnapshot({ agentId, software }));
    expect(res.statusCode).toBe(413);
    expect(res.json().type).toBe('urn:stocktake:problem:payload-too-large');
    expect(dump().devices).toEqual([]);
  });

  it('answers invalid JSON with 400 problem+json', async () => {
    const { agentToken } = await enrolAgent(t.app);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/agent/snapshots',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      payload: '{"contractVersion":1,',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('enroll secret handling', () => {
  it('uses a constant-time comparison that still accepts the right secret', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/agent/enroll',
      payload: { enrollSecret: TEST_ENROLL_SECRET, hostname: 'h', agentVersion: '1', platform: 'linux' },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('GET /api/v1/devices', () => {
  it('pages by hostname with a cursor and refuses a forged cursor', async () => {
    for (const hostname of ['c-host', 'a-host', 'b-host']) {
      const { agentId, agentToken } = await enrolAgent(t.app);
      await push(agentToken, makeSnapshot({ agentId, hostname }));
    }
    const first = (await t.inject({ url: '/api/v1/devices?limit=2' })).json();
    expect(first.items.map((d: { hostname: string }) => d.hostname)).toEqual(['a-host', 'b-host']);
    const second = (await t.inject({ url: `/api/v1/devices?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second.items.map((d: { hostname: string }) => d.hostname)).toEqual(['c-host']);
    expect(second.nextCursor).toBeNull();
    expect((await t.inject({ url: '/api/v1/devices' })).json().items).toHaveLength(3);
    expect((await t.inject({ url: '/api/v1/devices?cursor=garbage' })).statusCode).toBe(400);
    expect((await t.inject({ url: '/api/v1/devices?limit=100000' })).statusCode).toBe(400);
  });

  it('answers 404 problem+json for an unknown device', async () => {
    const res = await t.inject({ url: '/api/v1/devices/00000000-0000-0000-0000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json().type).toBe('urn:stocktake:problem:not-found');
  });
});
