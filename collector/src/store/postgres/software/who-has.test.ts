import { seededRandom } from '@stocktake/shared/testing';
import { and, type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Db } from '../connection.ts';
import { createDeviceList } from '../lists/device-list.ts';
import { type ListRequest, runList } from '../lists/list-query.ts';
import { deviceSoftware, devices, softwareCatalog } from '../schema/index.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';
import { catalogueConditions, resolveSoftwareMatch } from './catalogue-match.ts';
import { fewDevicesOf, hasAnyOf } from './who-has.ts';

// Look-alike names (case, LIKE's own % and _), several versions and sources, an entry nobody has.
const CATALOGUE: [source: string, name: string, version: string, publisher: string | null][] = [
  ['dpkg', 'openssl', '1.1.1w-0+deb11u1', 'Debian Developers'],
  ['dpkg', 'openssl', '3.0.13-1~deb12u1', 'Debian Developers'],
  ['registry', 'OpenSSL', '3.0.13', 'OpenSSL Project'],
  ['rpm', 'openssl-libs', '3.0.7-27.el9', null],
  ['registry', '100%_tool', '2.0', 'Percent Co'],
  ['registry', '100xytool', '2.0', 'Percent Co'],
  ['dpkg', 'a_b', '1.0', null],
  ['dpkg', 'axb', '1.0', null],
  ['dpkg', 'curl', '7.88.1-10', 'Debian Developers'],
  ['dpkg', 'uninstalled-thing', '0.1', null],
];
const DEVICES = 60;
const MATCHES = [
  'openssl',
  'OPENSSL',
  'open*',
  'openss?',
  '*SSL*',
  '100%_tool',
  '100*',
  'a_b',
  'a?b',
  '*',
  'nothing',
  'uninstalled-thing',
];
const REQUESTS: Omit<ListRequest, 'limit' | 'base'>[] = [
  { sort: 'hostname', filters: {} },
  { sort: '-lastSeenAt', filters: {} },
  { sort: 'hostname', filters: { osName: 'debian*' } },
  { sort: 'hostname', filters: {}, q: 'host-1' },
];

const databases = testDatabases();
let db: Db;

beforeAll(async () => {
  db = connect({ url: await databases.create(), poolSize: 2 });
  await db
    .insert(softwareCatalog)
    .values(
      CATALOGUE.map(([source, name, version, publisher], i) => ({ id: i + 1, source, name, version, publisher })),
    );
  const random = seededRandom(11);
  for (let k = 1; k <= DEVICES; k++) {
    // Host names and last-seen times repeat, so pages break ties on the id.
    const day = String(1 + (k % 9)).padStart(2, '0');
    await db.insert(devices).values({
      key: k,
      id: `dev-${String(1000 - k).padStart(4, '0')}`,
      hostname: `host-${k % 17}`,
      osName: ['Ubuntu', 'Debian GNU/Linux', null][k % 3] ?? null,
      macs: [],
      sectionStatus: {},
      firstSeenAt: new Date('2025-01-01T00:00:00Z'),
      lastSeenAt: new Date(`2025-03-${day}T00:00:00Z`),
    });
    const installs = CATALOGUE.slice(0, -1)
      .map((_, s) => s + 1)
      .filter(() => random() < 0.25);
    if (installs.length > 0)
      await db.insert(deviceSoftware).values(installs.map((softwareId) => ({ deviceKey: k, softwareId })));
  }
});
afterAll(async () => {
  await db?.$client.end();
});

/** Every device id of a list request, following cursors `limit` at a time. */
async function pageThrough(base: SQL[], request: Omit<ListRequest, 'limit' | 'base'>, limit = 7): Promise<string[]> {
  const spec = createDeviceList(db);
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await runList(spec, { ...request, base, limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((d) => d.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

/** The plain form of the condition: a join to the catalogue per device. */
const joinedCondition = (name: string): SQL =>
  sql`exists (select 1 from ${deviceSoftware} join ${softwareCatalog} on ${softwareCatalog.id} = ${deviceSoftware.softwareId} where ${deviceSoftware.deviceKey} = ${devices.key} and ${and(...catalogueConditions({ name }))})`;

describe('who-has on PostgreSQL', () => {
  it('lists the same devices whether it reads the devices first or walks the list, for every match and sort', async () => {
    let nonEmpty = 0;
    for (const name of MATCHES) {
      const ids = await resolveSoftwareMatch(db, { name });
      const keys = await fewDevicesOf(db, ids, 1_000_000);
      expect(keys).toBeDefined();
      for (const request of REQUESTS) {
        const label = `${name} ${JSON.stringify(request)}`;
        const want = await pageThrough([joinedCondition(name)], request);
        expect(await pageThrough([hasAnyOf({ ids, deviceKeys: keys })], request), label).toEqual(want);
        expect(await pageThrough([hasAnyOf({ ids, deviceKeys: undefined })], request), label).toEqual(want);
        if (want.length > 0) nonEmpty++;
      }
    }
    // The comparison is not between two empty lists.
    expect(nonEmpty).toBeGreaterThan(MATCHES.length * 2);
  });

  it('reads the devices first only up to the bound of installs', async () => {
    const ids = await resolveSoftwareMatch(db, { name: '*' });
    const installs = Number(
      (await db.execute<{ n: string }>(sql`select count(*) as n from ${deviceSoftware}`)).rows[0]?.n,
    );
    expect(await fewDevicesOf(db, ids, installs)).toHaveLength(
      new Set((await db.select({ k: deviceSoftware.deviceKey }).from(deviceSoftware)).map((r) => r.k)).size,
    );
    expect(await fewDevicesOf(db, ids, installs - 1)).toBeUndefined();
    expect(await fewDevicesOf(db, [], 0)).toEqual([]);
  });
});
