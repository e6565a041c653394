import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { apkCollector } from './index.ts';
import { parseApkInstalled } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function context(root: string, overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root, timeoutMs: 30_000, platform: 'linux' }),
    run: async (cmd) => {
      throw new Error(`apk collector must not run ${cmd}`);
    },
    ...overrides,
  };
}

/** The Collector type allows a partial section; a software collector must return whole items. */
function asItems(result: Partial<SoftwareItem[]>): SoftwareItem[] {
  if (!Array.isArray(result)) throw new Error('apk collector must return an array');
  return result.map((item) => {
    if (!item) throw new Error('apk collector returned a hole');
    return item;
  });
}

async function collect(fixture: string): Promise<SoftwareItem[]> {
  const ctx = context(path.join(FIXTURES, fixture));
  expect(await apkCollector.detect(ctx)).toBe(true);
  return asItems(await apkCollector.collect(ctx));
}

const apk = (name: string, version: string, arch?: string, publisher?: string): SoftwareItem => ({
  name,
  version,
  source: 'apk',
  ...(arch ? { arch } : {}),
  ...(publisher ? { publisher } : {}),
});

const NC = 'Natanael Copa';
const SOREN = 'Sören Tempel';
const TIMO = 'Timo Teräs';
const ARIADNE = 'Ariadne Conill';
const OW = 'aarch64_cortex-a53';

const cases: { fixture: string; expected: SoftwareItem[] }[] = [
  {
    // A python image: the `.python-rundeps` virtual package is dropped, every real one kept.
    fixture: 'alpine-3.20-python',
    expected: [
      apk('alpine-baselayout', '3.6.5-r0', 'x86_64', NC),
      apk('alpine-baselayout-data', '3.6.5-r0', 'x86_64', NC),
      apk('alpine-keys', '2.4-r1', 'x86_64', NC),
      apk('apk-tools', '2.14.4-r0', 'x86_64', NC),
      apk('busybox', '1.36.1-r29', 'x86_64', SOREN),
      apk('busybox-binsh', '1.36.1-r29', 'x86_64', SOREN),
      apk('ca-certificates-bundle', '20240226-r0', 'x86_64', NC),
      apk('libcrypto3', '3.3.1-r0', 'x86_64', ARIADNE),
      apk('libffi', '3.4.6-r0', 'x86_64', NC),
      apk('libssl3', '3.3.1-r0', 'x86_64', ARIADNE),
      apk('musl', '1.2.5-r0', 'x86_64', TIMO),
      apk('musl-utils', '1.2.5-r0', 'x86_64', TIMO),
      apk('scanelf', '1.3.7-r2', 'x86_64', NC),
      apk('ssl_client', '1.36.1-r29', 'x86_64', SOREN),
      apk('tzdata', '2024a-r1', 'x86_64', NC),
      apk('zlib', '1.3.1-r1', 'x86_64', NC),
    ],
  },
  {
    // OpenWrt: sub-architecture names, `~` in versions, packages without a maintainer.
    fixture: 'openwrt-25-snapshot',
    expected: [
      apk('base-files', '1647~9ba7b4e3cb', OW),
      apk('busybox', '1.37.0-r3', OW, 'Felix Fietkau'),
      apk('kernel', '6.6.73~2b7a1d5e0b71c3a8f2a1b87e6d3c0e53-r1', OW),
      apk('kmod-mt7915e', '6.6.73.2024.12.12~e49c9a0c-r1', OW),
      apk('libopenssl3', '3.0.15-r1', OW, 'Eneas U de Queiroz'),
      apk('luci-app-firewall', '25.012.40121~cd3ab1b', OW, 'Jo-Philipp Wich'),
      apk('luci-i18n-firewall-zh-cn', '25.012.40121~cd3ab1b', OW),
      apk('wpad-basic-mbedtls', '2024.09.15~5ace39b0-r2', OW, 'Felix Fietkau'),
    ],
  },
  {
    // Usr-merged: the database lives under /usr/lib/apk/db; Wolfi packages carry no maintainer.
    fixture: 'wolfi-usrmerge',
    expected: [
      apk('ca-certificates-bundle', '20241121-r1', 'x86_64'),
      apk('glibc', '2.40-r8', 'x86_64'),
      apk('ld-linux', '2.40-r8', 'x86_64'),
      apk('wolfi-baselayout', '20230201-r16', 'x86_64'),
    ],
  },
  {
    fixture: 'handmade-missing-fields',
    expected: [
      // Described like a virtual package but owns a file: real, so kept.
      apk('.named-like-virtual-but-owns-files', '1-r0', 'noarch'),
      apk('bare-address-maintainer', '2.0-r0', 'noarch', 'ops@example.com'),
      apk('empty-maintainer', '5-r0', 'aarch64'),
      apk('no-arch', '0.3-r2', undefined, 'Jane Doe'),
      apk('no-maintainer', '1.0-r0', 'armv7'),
      apk('no-version', '', 'x86_64', 'Jane Doe'),
    ],
  },
  {
    // CRLF, junk lines, NUL and invalid UTF-8 bytes, repeated fields (first wins),
    // whitespace-only separators, non-ASCII names and no final newline.
    fixture: 'handmade-malformed',
    expected: [
      apk('after-junk', '2.0-r1', 'x86'),
      apk('crlf-pkg', '1.0-r0', 'x86_64', 'Ondřej Surý'),
      apk('dup-name', '3.0-r0', 'riscv64', 'Мария Иванова'),
      apk('kancelář-nástroje', '1.0_alpha2-r0', 'loongarch64', 'Česká kancelář s.r.o.'),
      apk('no-trailing-newline', '0.1_rc1-r0', 's390x'),
    ],
  },
];

describe('apk collector on fixtures', () => {
  it.each(cases)('$fixture', async ({ fixture, expected }) => {
    expect(await collect(fixture)).toEqual(expected);
  });

  it('reads /lib/apk/db/installed first and never both copies of a symlinked pair', async () => {
    const reads: string[] = [];
    const ctx = context('/r', {
      exists: async (p) => p === '/r/lib/apk/db/installed' || p === '/r/usr/lib/apk/db/installed',
      readFile: async (p) => {
        reads.push(p);
        return 'P:musl\nV:1.2.5-r0\nA:x86_64\n';
      },
    });
    expect(asItems(await apkCollector.collect(ctx))).toEqual([apk('musl', '1.2.5-r0', 'x86_64')]);
    expect(reads).toEqual(['/r/lib/apk/db/installed']);
  });

  it('does not detect a root without an apk database, and says so if asked to collect', async () => {
    const ctx = context(path.join(FIXTURES, 'no-such-root'));
    expect(await apkCollector.detect(ctx)).toBe(false);
    await expect(apkCollector.collect(ctx)).rejects.toThrow(/no apk database/);
  });

  it('passes a read error through', async () => {
    const ctx = context('/r', {
      exists: async () => true,
      readFile: async () => {
        throw new Error('EACCES: permission denied');
      },
    });
    await expect(apkCollector.collect(ctx)).rejects.toThrow(/EACCES/);
  });
});

describe('parseApkInstalled', () => {
  it('returns nothing for empty or garbage input', () => {
    expect(parseApkInstalled('')).toEqual([]);
    expect(parseApkInstalled('\n\n\r\n')).toEqual([]);
    expect(parseApkInstalled('\u0000\u0001\ufffd:::\n: : :\nP\nPV:1\n')).toEqual([]);
  });

  it('never sets optional fields to undefined or empty', () => {
    const [item] = parseApkInstalled('P:a\nV:1\nA:\nm:   \n');
    expect(item).toEqual({ name: 'a', version: '1', source: 'apk' });
    expect(Object.keys(item ?? {})).toEqual(['name', 'version', 'source']);
  });

  it('keys are case-sensitive: `p` (provides) is not `P` (name)', () => {
    expect(parseApkInstalled('p:so:libc.so=1\nV:1\n')).toEqual([]);
  });

  it('does not read the build time as an install date', () => {
    const [item] = parseApkInstalled('P:a\nV:1\nt:1714981135\n');
    expect(item).not.toHaveProperty('installDate');
  });

  it('reads the python fixture entry count against its P: lines', () => {
    const text = readFileSync(path.join(FIXTURES, 'alpine-3.20-python/lib/apk/db/installed'), 'utf8');
    const names = text.split('\n').filter((l) => l.startsWith('P:'));
    // One virtual package among them.
    expect(parseApkInstalled(text)).toHaveLength(names.length - 1);
  });
});

const APK_DB = '/lib/apk/db/installed';

describe('apk collector on this machine', () => {
  it.skipIf(!existsSync(APK_DB))('lists every package apk info lists', async () => {
    const { stdout } = await runCommand('apk', ['info']);
    const names = stdout.split('\n').filter((n) => n !== '' && !n.startsWith('.'));
    const items = asItems(await apkCollector.collect(context('/')));
    expect(items.map((i) => i.name).sort()).toEqual(names.sort());
  });
});
