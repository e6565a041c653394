import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../test-context.ts';
import type { CollectContext } from '../types.ts';
import { DPKG_INFO_DIR, dpkgCollector } from './index.ts';
import { installDateOf, isDateByList, listFileOf, parseDpkgStatus } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function context(root: string): CollectContext {
  return testContext({ root });
}

/** The Collector type allows a partial section; a software collector must return whole items. */
function asItems(result: Partial<SoftwareItem[]>): SoftwareItem[] {
  if (!Array.isArray(result)) throw new Error('dpkg collector must return an array');
  return result.map((item) => {
    if (!item) throw new Error('dpkg collector returned a hole');
    return item;
  });
}

async function collect(fixture: string): Promise<SoftwareItem[]> {
  const ctx = context(path.join(FIXTURES, fixture));
  expect(await dpkgCollector.detect(ctx)).toBe(true);
  return asItems(await dpkgCollector.collect(ctx));
}

const dpkg = (name: string, version: string, arch?: string, publisher?: string): SoftwareItem => ({
  name,
  version,
  source: 'dpkg',
  ...(arch ? { arch } : {}),
  ...(publisher ? { publisher } : {}),
});

const UBUNTU = 'Ubuntu Developers';

const exactCases: { fixture: string; expected: SoftwareItem[] }[] = [
  {
    // Multi-arch libc6 twice, epochs kept, held package kept, rc and purged stanzas dropped,
    // every on-disk state (half-installed, unpacked, half-configured, triggers-*) kept.
    fixture: 'ubuntu-22.04-workstation',
    expected: [
      dpkg('google-chrome-stable', '120.0.6099.224-1', 'amd64', 'Chrome Linux Team'),
      dpkg('libc6', '2.35-0ubuntu3.8', 'amd64', UBUNTU),
      dpkg('libc6', '2.35-0ubuntu3.8', 'i386', UBUNTU),
      dpkg('libdrm-common', '2.4.113-2~ubuntu0.22.04.1', 'all', 'Ubuntu X-SWAT'),
      dpkg('libgcc-s1', '12.3.0-1ubuntu1~22.04', 'amd64', 'Ubuntu Core developers'),
      dpkg('libssl3', '3.0.2-0ubuntu1.15', 'amd64', UBUNTU),
      dpkg('login', '1:4.8.1-2ubuntu2.2', 'amd64', UBUNTU),
      dpkg('man-db', '2.10.2-1', 'amd64', UBUNTU),
      dpkg('nodejs', '18.19.0+dfsg-6~bpo22.04.1', 'amd64', 'Jérémy Lal'),
      dpkg('php-common', '2:93+ubuntu22.04.1+deb.sury.org+2', 'all', 'Ondřej Surý'),
      dpkg('vim-tiny', '2:8.2.3995-1ubuntu2.17', 'amd64', UBUNTU),
    ],
  },
  {
    fixture: 'handmade-missing-fields',
    expected: [
      dpkg('bare-email-maintainer', '2.0', 'all', 'ops@example.com'),
      dpkg('email-only-maintainer', '1.2', 'all', 'root@localhost'),
      dpkg('empty-maintainer', '5', 'arm64'),
      dpkg('no-arch', '0.3-2', undefined, 'Jane Doe'),
      dpkg('no-version', '', 'amd64', 'Jane Doe'),
    ],
  },
  {
    // CRLF, invalid UTF-8, NUL bytes, junk lines, a duplicate Package field, no final newline.
    fixture: 'handmade-malformed',
    expected: [
      dpkg('after-junk', '2.0', 'i386'),
      dpkg('crlf-pkg', '1:1.0-1', 'amd64', 'Ondřej Surý'),
      dpkg('no-trailing-newline', '0.1~rc1', 'riscv64'),
    ],
  },
];

describe('dpkg collector on fixtures', () => {
  it.each(exactCases)('$fixture', async ({ fixture, expected }) => {
    expect(await collect(fixture)).toEqual(expected);
  });

  it('reads every package of the Debian 12 container capture', async () => {
    const items = await collect('debian-12-container');
    expect(items).toHaveLength(710);
    expect(items).toContainEqual(dpkg('libc6', '2.36-9+deb12u14', 'amd64', 'GNU Libc Maintainers'));
    expect(items.filter((i) => i.version.includes(':')).length).toBeGreaterThan(50);
    for (const item of items) {
      expect(item.name).toMatch(/^[a-z0-9][a-z0-9+.-]+$/);
      expect(item.version).not.toBe('');
      expect(item.publisher ?? '').not.toMatch(/[<>]/);
    }
  });

  it('handles a 2,000-stanza database', async () => {
    const items = await collect('synthetic-2000-packages');
    // 2,000 stanzas, 41 of them config-files only.
    expect(items).toHaveLength(1959);
    expect(items).toContainEqual(dpkg('libdeltaogg53', '1.27.8-2', 'amd64', 'Jérémy Lal'));
    expect(items).toContainEqual(dpkg('libdeltaogg53', '1.27.8-2', 'i386', 'Jérémy Lal'));
    expect(items).toContainEqual(dpkg('libghc-qtgtk15', '2:11.19.0-2+deb12u1', 'amd64', 'Debian Python Team'));
    expect(items.map((i) => i.name)).not.toContain('libalphamesa49');
  });

  it('does not detect a root without a dpkg database', async () => {
    expect(await dpkgCollector.detect(context(path.join(FIXTURES, 'no-such-root')))).toBe(false);
  });
});

describe('parseDpkgStatus', () => {
  it('returns nothing for empty or garbage input', () => {
    expect(parseDpkgStatus('')).toEqual([]);
    expect(parseDpkgStatus('\n\n\r\n')).toEqual([]);
    expect(parseDpkgStatus('\u0000\u0001\ufffd:::\n: : :\n')).toEqual([]);
  });

  it('never sets optional fields to undefined or empty', () => {
    const [item] = parseDpkgStatus('Package: a\nStatus: install ok installed\nVersion: 1\nMaintainer:   \n');
    expect(item).toEqual({ name: 'a', version: '1', source: 'dpkg' });
    expect(Object.keys(item ?? {})).toEqual(['name', 'version', 'source']);
  });

  it('reads field names case-insensitively and ignores continuation lines', () => {
    const text = 'package: a\nstatus: install ok installed\n Version: 9\nVERSION: 2\n';
    expect(parseDpkgStatus(text)).toEqual([dpkg('a', '2')]);
  });
});

describe('install dates', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  /** A dpkg database under a temporary root: `status`, and the list files given with their mtimes. */
  function database(status: string, lists: Record<string, Date>): string {
    const root = mkdtempSync(path.join(tmpdir(), 'stocktake-dpkg-'));
    roots.push(root);
    const info = path.join(root, DPKG_INFO_DIR);
    mkdirSync(info, { recursive: true });
    writeFileSync(path.join(root, '/var/lib/dpkg/status'), status);
    for (const [file, mtime] of Object.entries(lists)) {
      writeFileSync(path.join(info, file), '/.\n/usr\n');
      utimesSync(path.join(info, file), mtime, mtime);
    }
    return root;
  }

  const stanza = (name: string, arch: string) =>
    `Package: ${name}\nStatus: install ok installed\nArchitecture: ${arch}\nVersion: 1.0\n\n`;

  it('date each package by when dpkg last wrote its list of files, arch-qualified or not, and leave the others undated', async () => {
    const root = database(
      stanza('curl', 'amd64') +
        stanza('libssl3', 'amd64') +
        stanza('libssl3', 'i386') +
        stanza('tzdata', 'all') +
        stanza('ghost', 'amd64'),
      {
        'curl.list': new Date('2025-03-04T05:06:07.890Z'),
        'libssl3:amd64.list': new Date('2025-01-02T03:04:05Z'),
        'libssl3:i386.list': new Date('2024-12-31T23:59:59Z'),
        'tzdata.list': new Date('2026-11-30T12:00:00Z'),
        // A list dpkg left for a package the status no longer lists as installed: not an item.
        'removed.list': new Date('2020-01-01T00:00:00Z'),
      },
    );
    const items = asItems(await dpkgCollector.collect(context(root)));
    expect(items.map((i) => [i.name, i.arch, i.installDate])).toEqual([
      ['curl', 'amd64', '2025-03-04T05:06:07.000Z'],
      ['ghost', 'amd64', undefined],
      ['libssl3', 'amd64', '2025-01-02T03:04:05.000Z'],
      ['libssl3', 'i386', '2024-12-31T23:59:59.000Z'],
      ['tzdata', 'all', '2026-11-30T12:00:00.000Z'],
    ]);
    expect(Object.keys(items.find((i) => i.name === 'ghost') ?? {})).not.toContain('installDate');
  });

  it("are kept in the agent's cache until dpkg's status or info directory changes, and read again from a cache of the wrong shape", async () => {
    const root = database(stanza('curl', 'amd64'), { 'curl.list': new Date('2025-01-01T00:00:00Z') });
    const cacheDir = path.join(root, 'cache');
    const ctx = testContext({ root, cacheDir });
    const dateOfCurl = async () => asItems(await dpkgCollector.collect(ctx))[0]?.installDate;
    const status = path.join(root, '/var/lib/dpkg/status');
    const list = path.join(root, DPKG_INFO_DIR, 'curl.list');
    expect(await dateOfCurl()).toBe('2025-01-01T00:00:00.000Z');

    // Only the list changes (nothing dpkg does): the cached date stands.
    utimesSync(list, new Date('2025-02-02T00:00:00Z'), new Date('2025-02-02T00:00:00Z'));
    expect(await dateOfCurl()).toBe('2025-01-01T00:00:00.000Z');
    // dpkg ran (its status file was rewritten): read again.
    utimesSync(status, new Date('2025-02-02T00:00:01Z'), new Date('2025-02-02T00:00:01Z'));
    expect(await dateOfCurl()).toBe('2025-02-02T00:00:00.000Z');

    // A cache entry that is not dates by list file is not believed.
    const file = path.join(cacheDir, 'dpkg-install-dates.json');
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string };
    writeFileSync(file, JSON.stringify({ fingerprint: entry.fingerprint, value: { 'curl.list': 'yesterday' } }));
    expect(await dateOfCurl()).toBe('2025-02-02T00:00:00.000Z');
    writeFileSync(file, JSON.stringify({ fingerprint: entry.fingerprint, value: ['curl.list'] }));
    expect(await dateOfCurl()).toBe('2025-02-02T00:00:00.000Z');
  });

  it('leave every package undated when there is no info directory', async () => {
    const root = database(stanza('curl', 'amd64'), {});
    rmSync(path.join(root, DPKG_INFO_DIR), { recursive: true });
    expect(asItems(await dpkgCollector.collect(context(root)))).toEqual([dpkg('curl', '1.0', 'amd64')]);
  });

  it('find the list file: the arch-qualified one first, then the plain one', () => {
    const lists = new Set(['a.list', 'b:amd64.list', 'b.list', 'c:i386.list']);
    expect(listFileOf({ name: 'a', arch: 'amd64' }, lists)).toBe('a.list');
    expect(listFileOf({ name: 'b', arch: 'amd64' }, lists)).toBe('b:amd64.list');
    expect(listFileOf({ name: 'b' }, lists)).toBe('b.list');
    expect(listFileOf({ name: 'c', arch: 'amd64' }, lists)).toBeUndefined();
    expect(listFileOf({ name: 'd' }, lists)).toBeUndefined();
  });

  it('believe a cached value only when it is install dates by list file', () => {
    expect(isDateByList({ 'a.list': '2025-01-01T00:00:00.000Z', 'b:i386.list': '1999-12-31T23:59:59.000Z' })).toBe(
      true,
    );
    expect(isDateByList({})).toBe(true);
    expect(isDateByList({ 'a.list': '2025-01-01' })).toBe(false);
    expect(isDateByList({ 'a.md5sums': '2025-01-01T00:00:00.000Z' })).toBe(false);
    expect(isDateByList({ 'a.list': 5 })).toBe(false);
    expect(isDateByList(['a.list'])).toBe(false);
    expect(isDateByList(null)).toBe(false);
  });

  it('give no date for a missing file or the epoch, and whole seconds otherwise', () => {
    expect(installDateOf(undefined)).toBeUndefined();
    expect(installDateOf(new Date(0))).toBeUndefined();
    expect(installDateOf(new Date(Number.NaN))).toBeUndefined();
    expect(installDateOf(new Date('2025-06-07T08:09:10.999Z'))).toBe('2025-06-07T08:09:10.000Z');
  });
});

const hasDpkgQuery = existsSync('/usr/bin/dpkg-query') && existsSync('/var/lib/dpkg/status');

describe('dpkg collector on this machine', () => {
  it.skipIf(!hasDpkgQuery)('matches dpkg-query', async () => {
    const out = execFileSync(
      'dpkg-query',
      // dpkg-query fields, not JS placeholders: the `$` are escaped.
      ['-W', `--showformat=\${Package}\\t\${Version}\\t\${Architecture}\\t\${db:Status-Status}\\n`],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const expected = new Set(
      out
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([name, , , state]) => name && state !== 'config-files' && state !== 'not-installed')
        .map(([name, version, arch]) => `${name}\t${version}\t${arch}`),
    );
    const items = asItems(await dpkgCollector.collect(context('/')));
    const actual = new Set(items.map((i) => `${i.name}\t${i.version}\t${i.arch ?? ''}`));
    expect(actual.size).toBe(items.length);
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it.skipIf(!hasDpkgQuery)("dates each package by its list file's mtime", async () => {
    const items = asItems(await dpkgCollector.collect(context('/')));
    const info = DPKG_INFO_DIR;
    let dated = 0;
    for (const item of items) {
      const file = [`${item.name}:${item.arch}.list`, `${item.name}.list`]
        .map((name) => path.join(info, name))
        .find((candidate) => existsSync(candidate));
      if (!file) {
        expect(item.installDate).toBeUndefined();
        continue;
      }
      dated++;
      // The second of the file's mtime as a Date has it (rounded to the millisecond).
      const seconds = Math.floor(statSync(file).mtime.getTime() / 1000);
      expect(item.installDate).toBe(new Date(seconds * 1000).toISOString());
    }
    // Every installed package but the odd one without a list (none on a plain Debian).
    expect(dated).toBeGreaterThan(items.length * 0.9);
  });
});
