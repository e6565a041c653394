import { dpkgItem, makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../domain/csv/csv.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../../../test-support/test-app.ts';

let t: TestApp;
const ids: Record<string, string> = {};

async function report(name: string, spec: SnapshotSpec): Promise<string> {
  const agent = await enrolAgent(t.app);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({ agentId: agent.agentId, hostname: name, ...spec }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().deviceId;
}

const json = async (url: string) => {
  const res = await t.inject(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
};
const hostnames = async (url: string) =>
  (await json(url)).items.map((d: { hostname: string }) => d.hostname) as string[];

const nic = (mac: string, ip: string) => ({ nics: [{ name: 'eth0', mac, ipv4: [ip] }] });

beforeAll(async () => {
  t = await createTestApp();
  ids.web = await report('web-01', {
    serial: 'SN-WEB-01',
    macs: ['3c:22:fb:7a:19:c4'],
    hardware: nic('3c:22:fb:7a:19:c4', '10.20.4.17'),
    os: { name: 'Ubuntu', version: '22.04.4' },
    users: { loggedIn: [{ user: 'alice' }] },
    software: [dpkgItem('openssl', '3.0.2-0ubuntu1.15'), dpkgItem('curl', '7.81.0-1')],
  });
  ids.db = await report('db-01', {
    serial: 'SN-DB-01',
    macs: ['00:1a:2b:3c:4d:5e'],
    hardware: nic('00:1a:2b:3c:4d:5e', '10.20.9.3'),
    os: { name: 'Ubuntu', version: '20.04.6' },
    users: { loggedIn: [{ user: 'bob' }] },
    software: [dpkgItem('openssl', '3.0.9-1'), dpkgItem('postgresql-15', '15.6-0+deb12u1')],
  });
  ids.lab = await report('lab-07', {
    serial: 'SN-LAB-07',
    os: { name: 'Debian GNU/Linux', version: '12' },
    software: [dpkgItem('openssl', '3.0.13-1~deb12u1'), dpkgItem('curl', '7.88.1-10')],
  });
  ids.old = await report('old-kiosk', {
    serial: 'SN-OLD-01',
    os: { name: 'Debian GNU/Linux', version: '11' },
    software: [dpkgItem('openssl', '1.1.1w-0+deb11u1')],
  });
  // A device last seen 45 days ago.
  const old = new Date(Date.now() - 45 * 24 * 60 * 60 * 1000).toISOString();
  t.store.sqlite.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?').run(old, ids.old);
  const asset = await t.inject({
    method: 'POST',
    url: '/api/v1/assets',
    payload: {
      assetTag: 'LT-4242',
      serial: 'SN-WEB-01',
      assigneeName: 'Alice Martin',
      assigneeEmail: 'alice@example.org',
    },
  });
  expect(asset.statusCode, asset.body).toBe(201);
  await t.inject({
    method: 'POST',
    url: '/api/v1/assets',
    payload: { assetTag: 'LT-0001', macs: ['00-1A-2B-3C-4D-5E'] },
  });
  for (const [product, seats] of [
    ['Adobe Acrobat Pro', 10],
    ['Microsoft Visio', 3],
  ] as const) {
    await t.inject({
      method: 'POST',
      url: '/api/v1/licenses',
      payload: { product, seats, publisher: product.split(' ')[0] },
    });
  }
  const run = await t.inject({ method: 'POST', url: '/api/v1/reconciliations' });
  expect(run.statusCode, run.body).toBe(200);
});
afterAll(async () => t.close());

/** Every list route, as a sysadmin would call it. */
const LISTS = [
  '/api/v1/devices',
  '/api/v1/assets',
  '/api/v1/licenses',
  '/api/v1/findings',
  '/api/v1/audit',
  '/api/v1/software',
  '/api/v1/software/who-has?name=openssl',
  '/api/v1/reconciliations',
  '/api/v1/devices/:web/changes',
];
/** A list URL with the device it names. */
const real = (url: string) => url.replace(':web', ids.web ?? '');
const withParam = (url: string, param: string) => `${real(url)}${url.includes('?') ? '&' : '?'}${param}`;

describe('every list', () => {
  it('caps the page size, refuses unknown parameters, sorts and cursors it did not issue, naming the parameter', async () => {
    for (const url of LISTS) {
      for (const [param, path] of [
        ['limit=501', '/limit'],
        ['colour=blue', '/colour'],
        ['sort=shoeSize', '/sort'],
        ['cursor=bm9wZQ', '/cursor'],
      ] as const) {
        const res = await t.inject(withParam(url, param));
        expect(res.statusCode, `${url} ${param}`).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(
          res.json().errors.map((e: { path: string }) => e.path),
          `${url} ${param}`,
        ).toContain(path);
      }
    }
  });

  it('pages through everything once, in order, for every sort it offers, ascending and descending', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    for (const url of LISTS) {
      const path = (url.split('?')[0] ?? url).replace(':web', '{id}');
      const params = doc.paths[path].get.parameters as { name: string; schema: { enum?: string[] } }[];
      const sorts = params.find((p) => p.name === 'sort')?.schema.enum ?? [];
      expect(sorts.length, url).toBeGreaterThan(1);
      const all = (await json(withParam(url, 'limit=500'))).items.map((i: { id: string | number }) => i.id);
      for (const sort of sorts) {
        const seen: (string | number)[] = [];
        let cursor: string | null = null;
        do {
          const page = await json(withParam(url, `limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`));
          seen.push(...page.items.map((i: { id: string | number }) => i.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect([...seen].sort(), `${url} sort=${sort}`).toEqual([...all].sort());
        const onePage = (await json(withParam(url, `limit=500&sort=${sort}`))).items;
        expect(seen, `${url} sort=${sort}`).toEqual(onePage.map((i: { id: string | number }) => i.id));
        expect(new Set(seen).size, `${url} sort=${sort}`).toBe(seen.length);
      }
    }
  });

  it('exports any list as CSV with Accept: text/csv: same filters, every row, a header of field names', async () => {
    for (const url of LISTS) {
      const res = await t.inject({ url: withParam(url, 'limit=1'), headers: { accept: 'text/csv' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[a-z]+\.csv"$/);
      const records = parseCsv(res.body);
      const all = (await json(withParam(url, 'limit=500'))).items;
      expect(records.length - 1, url).toBe(all.length);
      expect(records[0]?.fields).toContain('id');
    }
    const filtered = await t.inject({
      url: '/api/v1/devices?osName=ubuntu&sort=-hostname',
      headers: { accept: 'text/csv' },
    });
    const [header, ...rows] = parseCsv(filtered.body).map((r) => r.fields);
    const hostname = header?.indexOf('hostname') ?? -1;
    expect(rows.map((r) => r[hostname])).toEqual(['web-01', 'db-01']);
    const macs = header?.indexOf('macs') ?? -1;
    expect(rows[0]?.[macs]).toBe('3c:22:fb:7a:19:c4');
  });
});

describe('devices', () => {
  it('finds a device by host name, serial, asset tag, user, IP or MAC with q', async () => {
    const cases: [string, string[]][] = [
      ['web', ['web-01']],
      ['sn-db', ['db-01']],
      ['LT-4242', ['web-01']],
      ['bob', ['db-01']],
      ['10.20.9', ['db-01']],
      ['3C-22-FB', ['web-01']],
      ['001a.2b3c', ['db-01']],
      ['nothing-like-this', []],
    ];
    for (const [q, expected] of cases) {
      expect(await hostnames(`/api/v1/devices?q=${encodeURIComponent(q)}`), q).toEqual(expected);
    }
  });

  it('filters by OS version, silence, user and register link, and sorts by any offered field', async () => {
    expect(await hostnames('/api/v1/devices?osVersion=22.04*')).toEqual(['web-01']);
    expect(await hostnames('/api/v1/devices?osName=debian*&sort=-hostname')).toEqual(['old-kiosk', 'lab-07']);
    expect(await hostnames('/api/v1/devices?notSeenDays=30')).toEqual(['old-kiosk']);
    expect(await hostnames('/api/v1/devices?seenWithinDays=30')).toEqual(['db-01', 'lab-07', 'web-01']);
    expect(await hostnames('/api/v1/devices?user=ALICE')).toEqual(['web-01']);
    expect(await hostnames('/api/v1/devices?linked=true')).toEqual(['db-01', 'web-01']);
    expect(await hostnames('/api/v1/devices?linked=false')).toEqual(['lab-07', 'old-kiosk']);
    expect(await hostnames('/api/v1/devices?sort=-lastSeenAt&limit=1')).not.toEqual(['old-kiosk']);
    expect((await hostnames('/api/v1/devices?sort=lastSeenAt'))[0]).toBe('old-kiosk');
    const web = (await json('/api/v1/devices?hostname=web-01')).items[0];
    expect(web).toMatchObject({ assetTag: 'LT-4242', primaryUser: 'alice', macs: ['3c:22:fb:7a:19:c4'] });
  });
});

describe('software', () => {
  it('lists the catalogue with install counts, filtered by name, publisher and source', async () => {
    const openssl = (await json('/api/v1/software?name=openssl&sort=-installs')).items;
    expect(openssl.map((s: { version: string; installs: number }) => `${s.version}:${s.installs}`).sort()).toEqual([
      '1.1.1w-0+deb11u1:1',
      '3.0.13-1~deb12u1:1',
      '3.0.2-0ubuntu1.15:1',
      '3.0.9-1:1',
    ]);
    expect((await json('/api/v1/software?name=curl')).items).toHaveLength(2);
    expect((await json('/api/v1/software?name=post*&source=dpkg')).items[0]).toMatchObject({
      name: 'postgresql-15',
      arch: 'amd64',
      publisher: 'Debian Developers',
      installs: 1,
      // No agent here sent usage: every install's use is unknown.
      used: 0,
      rarelyUsed: 0,
      unused: 0,
      usageUnknown: 1,
    });
    expect((await json('/api/v1/software?source=rpm')).items).toEqual([]);
    expect((await json('/api/v1/software?q=postgres')).items).toHaveLength(1);
  });

  it('answers who has openssl older than 3.0.13, comparing versions as numbers, with the versions they have', async () => {
    const older = (await json('/api/v1/software/who-has?name=openssl&versionLt=3.0.13')).items;
    expect(older.map((d: { hostname: string; versions: string[] }) => `${d.hostname} ${d.versions.join(',')}`)).toEqual(
      ['db-01 3.0.9-1', 'old-kiosk 1.1.1w-0+deb11u1', 'web-01 3.0.2-0ubuntu1.15'],
    );
    expect(older[0].software).toEqual([
      {
        source: 'dpkg',
        name: 'openssl',
        version: '3.0.9-1',
        arch: 'amd64',
        publisher: 'Debian Developers',
        // These agents never sent usage.
        lastUsed: null,
        usage: 'unknown',
      },
    ]);
    const sameAsOperator = await hostnames(
      `/api/v1/software/who-has?name=openssl&version=${encodeURIComponent('<3.0.13')}`,
    );
    expect(sameAsOperator).toEqual(['db-01', 'old-kiosk', 'web-01']);
    const range = await hostnames(
      `/api/v1/software/who-has?name=openssl&version=${encodeURIComponent('>=3.0 <3.0.10')}`,
    );
    expect(range).toEqual(['db-01', 'web-01']);
    expect(await hostnames('/api/v1/software/who-has?name=openssl&version=3.*')).toEqual(['db-01', 'lab-07', 'web-01']);
    expect(await hostnames('/api/v1/software/who-has?name=openssl&versionGte=3.0.13')).toEqual(['lab-07']);
    expect(await hostnames('/api/v1/software/who-has?name=curl&osName=ubuntu')).toEqual(['web-01']);
    expect(await hostnames('/api/v1/software/who-has?name=nonexistent')).toEqual([]);
    expect(await hostnames('/api/v1/software/who-has?name=openssl&versionLt=3.0.13&usage=unknown')).toEqual([
      'db-01',
      'old-kiosk',
      'web-01',
    ]);
    expect(await hostnames('/api/v1/software/who-has?name=openssl&usage=unused')).toEqual([]);
    const badClass = await t.inject('/api/v1/software/who-has?name=openssl&usage=idle');
    expect(badClass.statusCode).toBe(400);
    expect(badClass.json().errors).toEqual([{ path: '/usage', message: expect.any(String) }]);

    const bad = await t.inject('/api/v1/software/who-has?name=openssl&version=%3C%3E1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: '/version', message: expect.stringContaining('not a version') }]);
    const missing = await t.inject('/api/v1/software/who-has');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([{ path: '/name', message: 'is required' }]);
  });
});

describe('assets, licenses, findings and audit', () => {
  it('searches the register by tag, assignee, MAC and the IP of a linked device', async () => {
    const tags = async (url: string) => (await json(url)).items.map((a: { assetTag: string }) => a.assetTag);
    expect(await tags('/api/v1/assets?q=alice')).toEqual(['LT-4242']);
    expect(await tags('/api/v1/assets?q=00:1a:2b')).toEqual(['LT-0001']);
    expect(await tags('/api/v1/assets?q=10.20.4.17')).toEqual(['LT-4242']);
    expect(await tags('/api/v1/assets?assignee=alice@example.org')).toEqual(['LT-4242']);
    expect(await tags('/api/v1/assets?sort=-assetTag')).toEqual(['LT-4242', 'LT-0001']);
    expect(await tags('/api/v1/assets?linked=false')).toEqual([]);
  });

  it('filters licenses and the audit log the same way', async () => {
    const products = async (url: string) => (await json(url)).items.map((l: { product: string }) => l.product);
    expect(await products('/api/v1/licenses?q=visio')).toEqual(['Microsoft Visio']);
    expect(await products('/api/v1/licenses?sort=-seats')).toEqual(['Adobe Acrobat Pro', 'Microsoft Visio']);
    expect(await products('/api/v1/licenses?publisher=adobe')).toEqual(['Adobe Acrobat Pro']);
    const findings = (await json('/api/v1/findings?type=unregistered_device')).items;
    // The silent kiosk is a stale agent rather than a device to register.
    expect(findings.map((f: { subject: { id: string } }) => f.subject.id)).toEqual([ids.lab]);
    expect((await json(`/api/v1/findings?deviceId=${ids.lab}&type=unregistered_device`)).items).toHaveLength(1);
    expect((await json('/api/v1/findings?q=lab-07&type=unregistered_device')).items).toHaveLength(1);
    const created = (await json('/api/v1/audit?entityType=license&action=create&sort=id')).items;
    expect(created.map((a: { actor: string }) => a.actor)).toEqual(['test-admin', 'test-admin']);
    expect((await json('/api/v1/audit?q=LT-4242')).items).toEqual([]);
    expect((await json('/api/v1/audit?actor=discovery')).items.length).toBeGreaterThan(0);
  });
});
