import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { testContext } from '../test-context.ts';
import type { CollectContext } from '../types.ts';
import { dpkgCollector } from './index.ts';
import { parseDpkgStatus } from './parse.ts';

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
});
