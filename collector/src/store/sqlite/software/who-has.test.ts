import { seededRandom } from '@stocktake/shared/testing';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceList } from '../devices/device-list.ts';
import { type ListRequest, runList, sortNames } from '../lists/list-query.ts';
import { type OpenedDatabase, openDatabase } from '../open-database.ts';
import { deviceSoftware, devices, softwareCatalog } from '../schema/index.ts';
import { type SoftwareMatch, softwareMatchConditions } from './software-list.ts';
import { registerVersionCompare } from './version-sql.ts';
import { hasAnyOf, type InstalledMatch, installedOf, PROBED_IDS, resolveSoftwareSet } from './who-has.ts';

// Catalogue: look-alike names (case, LIKE's own % and _), several versions and sources, and an
// entry nobody has.
const CATALOGUE: [source: string, name: string, version: string, arch: string, publisher: string | null][] = [
  ['dpkg', 'openssl', '1.1.1w-0+deb11u1', 'amd64', 'Debian Developers'],
  ['dpkg', 'openssl', '3.0.2-0ubuntu1.15', 'amd64', 'Debian Developers'],
  ['dpkg', 'openssl', '3.0.9-1', 'amd64', 'Debian Developers'],
  ['dpkg', 'openssl', '3.0.13-1~deb12u1', 'amd64', 'Debian Developers'],
  ['registry', 'OpenSSL', '3.0.13', 'x64', 'OpenSSL Project'],
  ['rpm', 'openssl-libs', '3.0.7-27.el9', 'x86_64', null],
  ['registry', '100%_tool', '2.0', 'x64', 'Percent Co'],
  ['registry', '100xytool', '2.0', 'x64', 'Percent Co'],
  ['dpkg', 'a_b', '1.0', '', null],
  ['dpkg', 'axb', '1.0', '', null],
  ['dpkg', 'curl', '7.81.0-1', 'amd64', 'Debian Developers'],
  ['dpkg', 'curl', '7.88.1-10', 'amd64', 'Debian Developers'],
  ['registry', 'Mozilla Firefox', '128.0', 'x64', 'Mozilla'],
  ['dpkg', 'uninstalled-thing', '0.1', 'amd64', null],
];
const DEVICES = 60;
/** Hand-placed installs on top of the random ones: device key → catalogue row numbers (1-based). */
const PLACED: Record<number, number[]> = { 1: [8], 2: [5], 3: [10], 4: [9, 7] };

let opened: OpenedDatabase;

beforeAll(() => {
  opened = openDatabase(':memory:');
  const { sqlite } = opened;
  registerVersionCompare(sqlite);
  const random = seededRandom(9);
  const entry = sqlite.prepare(
    'insert into software_catalog (id, source, name, version, arch, publisher) values (?, ?, ?, ?, ?, ?)',
  );
  CATALOGUE.forEach((c, i) => {
    entry.run(i + 1, ...c);
  });
  const device = sqlite.prepare(
    `insert into devices (key, id, hostname, os_name, macs, first_seen_at, last_seen_at, section_status, software_count)
     values (?, ?, ?, ?, '[]', ?, ?, '{}', ?)`,
  );
  const install = sqlite.prepare('insert into device_software (device_key, software_id) values (?, ?)');
  for (let k = 1; k <= DEVICES; k++) {
    // Host names and last-seen times repeat, so pages break ties on the id.
    const day = String(1 + (k % 9)).padStart(2, '0');
    const chosen = new Set(PLACED[k] ?? []);
    if (!PLACED[k]) {
      for (let s = 1; s < CATALOGUE.length; s++) if (random() < 0.25) chosen.add(s);
    }
    device.run(
      k,
      `dev-${String(1000 - k).padStart(4, '0')}`,
      `host-${k % 17}`,
      ['Ubuntu', 'Debian GNU/Linux', 'Windows 11 Pro', null][k % 4] ?? null,
      '2025-01-01T00:00:00.000Z',
      `2025-03-${day}T00:00:00.000Z`,
      chosen.size,
    );
    for (const s of chosen) install.run(k, s);
  }
});
afterAll(() => opened.close());

/** The condition who-has used before it resolved catalogue ids: a join per device. */
const joinedCondition = (conditions: SQL[]): SQL =>
  sql`exists (select 1 from ${deviceSoftware} join ${softwareCatalog} on ${softwareCatalog.id} = ${deviceSoftware.softwareId} where ${deviceSoftware.deviceKey} = ${devices.key} and ${and(...conditions)})`;

/** Every device id of a list request, following cursors `limit` at a time. */
function pageThrough(base: SQL[], request: Omit<ListRequest, 'limit' | 'base'>, limit = 7): string[] {
  const spec = createDeviceList(opened.db);
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = runList(spec, { ...request, base, limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((d) => d.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

const MATCHES: SoftwareMatch[] = [
  { name: 'openssl' },
  { name: 'OPENSSL' },
  { name: 'open*' },
  { name: 'openss?' },
  { name: '*SSL*' },
  { name: '100%_tool' },
  { name: '100*' },
  { name: 'a_b' },
  { name: 'a?b' },
  { name: '*' },
  { name: 'nothing' },
  { name: 'uninstalled-thing' },
  { name: 'openssl', versionLt: '3.0.13' },
  { name: 'openssl', version: '>=3.0 <3.0.10' },
  { name: 'openssl', version: '3.*' },
  { name: 'openssl', versionGte: '3.0.13', source: 'registry' },
  { name: '*', publisher: 'debian*' },
  { name: 'curl', versionGt: '7.81.0-1', versionLte: '7.88.1-10' },
];

describe('who-has', () => {
  it('answers every match, filter and sort as the per-device join did, whichever plan it picks', () => {
    const spec = createDeviceList(opened.db);
    let nonEmpty = 0;
    for (const match of MATCHES) {
      const expected = (request: Omit<ListRequest, 'limit' | 'base'>) =>
        pageThrough([joinedCondition(softwareMatchConditions(match))], request);
      const { ids } = resolveSoftwareSet(opened.db, match);
      const sparse = { ids, dense: false };
      const dense = { ids, dense: true };
      const requests: Omit<ListRequest, 'limit' | 'base'>[] = [
        ...sortNames(spec).map((sort) => ({ sort, filters: {} })),
        { sort: 'hostname', filters: { osName: 'ubuntu' } },
        { sort: '-lastSeenAt', filters: { osName: 'debian*', seenWithinDays: 36_500 } },
        { sort: 'hostname', filters: {}, q: 'host-1' },
      ];
      for (const request of requests) {
        const want = expected(request);
        const label = `${JSON.stringify(match)} ${JSON.stringify(request)}`;
        expect(pageThrough([hasAnyOf(sparse)], request), label).toEqual(want);
        expect(pageThrough([hasAnyOf(dense)], request), label).toEqual(want);
        if (want.length > 0) nonEmpty++;
      }
    }
    // The comparison is not between two empty lists.
    expect(nonEmpty).toBeGreaterThan(MATCHES.length * 20);
  });

  it('matches names ignoring case, with * and ? as wildcards and % and _ as plain characters', () => {
    const who = (match: SoftwareMatch) =>
      new Set(pageThrough([hasAnyOf(resolveSoftwareSet(opened.db, match))], { sort: 'hostname', filters: {} }));
    const id = (key: number) => `dev-${String(1000 - key).padStart(4, '0')}`;
    // Device 1 has only 100xytool, 2 only OpenSSL (registry), 3 only axb, 4 a_b and 100%_tool.
    expect(who({ name: '100%_tool' }).has(id(1))).toBe(false);
    expect(who({ name: '100%_tool' }).has(id(4))).toBe(true);
    expect(who({ name: '100*' }).has(id(1))).toBe(true);
    expect(who({ name: 'a_b' }).has(id(3))).toBe(false);
    expect(who({ name: 'a?b' }).has(id(3))).toBe(true);
    expect(who({ name: 'openssl' }).has(id(2))).toBe(true);
    expect(who({ name: 'openssl', source: 'dpkg' }).has(id(2))).toBe(false);
    expect(who({ name: 'uninstalled-thing' }).size).toBe(0);
  });

  it('shows each device the matching software it has, as the join did', () => {
    const all = pageThrough([], { sort: 'hostname', filters: {} }, 500);
    for (const match of MATCHES) {
      const conditions = softwareMatchConditions(match);
      const rows = opened.db
        .select({
          deviceId: devices.id,
          source: softwareCatalog.source,
          name: softwareCatalog.name,
          version: softwareCatalog.version,
          arch: softwareCatalog.arch,
          publisher: softwareCatalog.publisher,
        })
        .from(deviceSoftware)
        .innerJoin(devices, eq(devices.key, deviceSoftware.deviceKey))
        .innerJoin(softwareCatalog, eq(softwareCatalog.id, deviceSoftware.softwareId))
        .where(and(inArray(devices.id, all), ...conditions))
        .orderBy(softwareCatalog.name, softwareCatalog.source, softwareCatalog.arch, softwareCatalog.version)
        .all();
      const want = new Map<string, InstalledMatch[]>();
      for (const { deviceId, arch, publisher, ...r } of rows) {
        want.set(deviceId, [
          ...(want.get(deviceId) ?? []),
          { ...r, ...(arch ? { arch } : {}), ...(publisher ? { publisher } : {}) },
        ]);
      }
      const set = resolveSoftwareSet(opened.db, match);
      // Probing each device per catalogue id, and reading each device's installs (many ids).
      expect(installedOf(opened.db, all, set), JSON.stringify(match)).toEqual(want);
      expect(installedOf(opened.db, all, set, 0), JSON.stringify(match)).toEqual(want);
    }
    expect(installedOf(opened.db, ['dev-0999'], resolveSoftwareSet(opened.db, { name: 'openssl' })).size).toBe(0);
  });

  it('calls a set dense once its installs reach the threshold', () => {
    const installs = (
      opened.sqlite
        .prepare(
          "select count(*) as n from device_software where software_id in (select id from software_catalog where name like 'curl')",
        )
        .get() as { n: number }
    ).n;
    expect(installs).toBeGreaterThan(1);
    expect(resolveSoftwareSet(opened.db, { name: 'curl' }, installs).dense).toBe(true);
    expect(resolveSoftwareSet(opened.db, { name: 'curl' }, installs + 1).dense).toBe(false);
    expect(resolveSoftwareSet(opened.db, { name: 'nothing' }, 1)).toEqual({ ids: [], dense: false });
  });

  it('reads a page of a popular package along the sort index, and a rare one from its installs', () => {
    /** SQLite's plan for the statement `run` prepares whose text contains `marker` (parameters null, or `bind`). */
    const planOf = (run: () => void, marker: string, bind: unknown = null) => {
      const prepared: string[] = [];
      const original = opened.sqlite.prepare.bind(opened.sqlite);
      const spy = (text: string) => {
        prepared.push(text);
        return original(text);
      };
      Object.assign(opened.sqlite, { prepare: spy });
      // Statements an earlier test compiled would be reused without being prepared again.
      opened.forgetStatements();
      try {
        run();
      } finally {
        Object.assign(opened.sqlite, { prepare: original });
      }
      const text = prepared.find((s) => s.includes(marker)) ?? '';
      const params = Array.from({ length: (text.match(/\?/g) ?? []).length }, () => bind);
      return (opened.sqlite.prepare(`explain query plan ${text}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    };
    const page = (dense: boolean, sort: string) =>
      planOf(
        () =>
          runList(createDeviceList(opened.db), {
            sort,
            filters: {},
            limit: 50,
            base: [hasAnyOf({ ids: [1, 2, 3], dense })],
          }),
        'from "devices"',
      );
    expect(page(true, 'hostname')).toContain('SCAN devices USING INDEX devices_hostname_idx');
    expect(page(true, 'hostname')).not.toContain('TEMP B-TREE FOR ORDER BY');
    expect(page(true, '-lastSeenAt')).toContain('devices_last_seen_idx');
    expect(page(false, 'hostname')).toContain('device_software_software_device_idx');
    // The software shown: probes per id for a few ids, each device's installs for many.
    const shown = (ids: number[]) =>
      planOf(() => installedOf(opened.db, ['dev-0999'], { ids, dense: false }), 'from "device_software"');
    expect(shown([1, 2, 3])).toMatch(
      /device_software.* \((software_id=\? AND device_key=\?|device_key=\? AND software_id=\?)\)/,
    );
    const many = Array.from({ length: PROBED_IDS + 1 }, (_, i) => i + 1);
    expect(shown(many)).toMatch(/device_software.* \(device_key=\?\)/);
    // A name pattern is looked up in the NOCASE index (migration 0008), not by scanning the catalogue.
    const names = planOf(() => resolveSoftwareSet(opened.db, { name: 'curl' }), 'from "software_catalog"', 'curl');
    expect(names).toContain('software_catalog_name_nocase_idx');
    expect(names).not.toMatch(/SCAN software_catalog(?! USING)/);
  });
});
