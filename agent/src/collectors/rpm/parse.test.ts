import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { CommandError, type RunCommand, runCommand } from '../../runner/run-command.ts';
import { testContext } from '../test-context.ts';
import type { CollectContext } from '../types.ts';
import { rpmCollector } from './index.ts';
import { parseRpmQuery, RPM_QUERY_ARGS } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

interface Call {
  cmd: string;
  args: readonly string[];
  timeoutMs: number | undefined;
}

/** A context whose `rpm` prints `stdout` and whose disk holds exactly `files`. */
function fakeContext(stdout: string, files: string[] = [], calls: Call[] = []): CollectContext {
  const run: RunCommand = async (cmd, args, options) => {
    calls.push({ cmd, args, timeoutMs: options?.timeoutMs });
    if (cmd !== 'rpm') throw new CommandError(`${cmd} not found`, cmd, 'not-found');
    return { stdout, stderr: '', exitCode: 0 };
  };
  return testContext({
    root: '/fixture-root',
    run,
    readFile: async (p) => {
      throw new Error(`unexpected read of ${p}`);
    },
    mtime: async () => undefined,
    exists: async (p) => files.includes(p),
    timeoutMs: 12_345,
  });
}

/** The Collector type allows a partial section; a software collector must return whole items. */
function asItems(result: Partial<SoftwareItem[]>): SoftwareItem[] {
  if (!Array.isArray(result)) throw new Error('rpm collector must return an array');
  return result.map((item) => {
    if (!item) throw new Error('rpm collector returned a hole');
    return item;
  });
}

const rpm = (
  name: string,
  version: string,
  arch: string | undefined,
  publisher: string | undefined,
  installDate?: string,
): SoftwareItem => ({
  name,
  version,
  source: 'rpm',
  ...(arch ? { arch } : {}),
  ...(publisher ? { publisher } : {}),
  ...(installDate ? { installDate } : {}),
});

const RH = 'Red Hat, Inc.';
const FP = 'Fedora Project';
const SUSE = 'SUSE LLC <https://www.suse.com/>';

const cases: { fixture: string; expected: SoftwareItem[] }[] = [
  {
    // Two kernels, epochs, i686 + x86_64 glibc, noarch, EPEL vendor, local build without vendor.
    fixture: 'rhel-9.4-server.txt',
    expected: [
      rpm('NetworkManager', '1:1.46.0-4.el9_4', 'x86_64', RH, '2024-05-01T09:59:04.000Z'),
      rpm('acme-backup-agent', '2.3.1-1', 'x86_64', undefined, '2024-05-01T10:56:40.000Z'),
      rpm('bash', '5.1.8-9.el9', 'x86_64', RH, '2024-03-07T13:41:01.000Z'),
      rpm('glibc', '2.34-100.el9_4.2', 'i686', RH, '2024-05-01T09:58:15.000Z'),
      rpm('glibc', '2.34-100.el9_4.2', 'x86_64', RH, '2024-05-01T09:58:10.000Z'),
      rpm('htop', '3.3.0-1.el9', 'x86_64', FP, '2024-05-01T10:40:12.000Z'),
      rpm('kernel-core', '5.14.0-362.24.1.el9_3', 'x86_64', RH, '2024-03-20T08:00:31.000Z'),
      rpm('kernel-core', '5.14.0-427.13.1.el9_4', 'x86_64', RH, '2024-05-01T10:00:02.000Z'),
      rpm('openssl-libs', '1:3.0.7-27.el9', 'x86_64', RH, '2024-05-01T09:58:21.000Z'),
      rpm('perl-libs', '4:5.32.1-481.el9', 'x86_64', RH, '2024-05-01T09:58:50.000Z'),
      rpm('python3-setuptools-wheel', '53.0.0-12.el9', 'noarch', RH, '2024-03-07T13:41:39.000Z'),
      rpm('redhat-release', '9.4-0.5.el9', 'x86_64', RH, '2024-05-01T09:58:02.000Z'),
      rpm('shadow-utils', '2:4.9-8.el9', 'x86_64', RH, '2024-03-07T13:41:17.000Z'),
      rpm('tzdata', '2024a-1.el9', 'noarch', RH, '2024-03-07T13:40:50.000Z'),
      rpm('vim-minimal', '2:8.2.2637-20.el9_1', 'x86_64', RH, '2024-03-07T13:41:20.000Z'),
    ],
  },
  {
    fixture: 'fedora-40-workstation.txt',
    expected: [
      rpm('code', '1.89.1-1715060508.el8', 'x86_64', 'Microsoft Corporation', '2024-05-28T13:03:40.000Z'),
      rpm('dbus', '1:1.14.10-3.fc40', 'x86_64', FP, '2024-04-23T16:41:10.000Z'),
      rpm('fedora-release-common', '40-39', 'noarch', FP, '2024-04-23T16:40:10.000Z'),
      rpm('ffmpeg-libs', '6.1.1-3.fc40', 'x86_64', 'RPM Fusion', '2024-05-28T13:03:50.000Z'),
      rpm('glibc', '2.39-13.fc40', 'i686', FP, '2024-05-28T12:58:45.000Z'),
      rpm('glibc', '2.39-13.fc40', 'x86_64', FP, '2024-05-28T12:58:42.000Z'),
      rpm('google-chrome-stable', '125.0.6422.141-1', 'x86_64', 'Google Inc.', '2024-05-28T13:03:30.000Z'),
      rpm('google-noto-sans-fonts', '20240401-1.fc40', 'noarch', FP, '2024-04-23T16:42:00.000Z'),
      rpm('java-21-openjdk-headless', '1:21.0.3.0.9-1.fc40', 'x86_64', FP, '2024-05-28T13:04:00.000Z'),
      rpm('kernel-core', '6.8.11-300.fc40', 'x86_64', FP, '2024-05-28T13:01:40.000Z'),
      rpm('kernel-core', '6.8.5-301.fc40', 'x86_64', FP, '2024-04-23T16:41:40.000Z'),
      rpm('mesa-dri-drivers', '24.0.7-1.fc40', 'i686', FP, '2024-05-28T13:00:02.000Z'),
      rpm('mesa-dri-drivers', '24.0.7-1.fc40', 'x86_64', FP, '2024-05-28T13:00:00.000Z'),
      rpm('openssl-libs', '1:3.2.1-2.fc40', 'x86_64', FP, '2024-04-23T16:41:00.000Z'),
    ],
  },
  {
    // SUSE names 32-bit libraries `-32bit` with arch x86_64; Packman's vendor is a URL.
    fixture: 'opensuse-leap-15.6.txt',
    expected: [
      rpm('glibc', '2.38-150600.14.5.1', 'x86_64', SUSE, '2024-06-11T10:02:30.000Z'),
      rpm('glibc-32bit', '2.38-150600.14.5.1', 'x86_64', SUSE, '2024-06-11T10:02:35.000Z'),
      rpm('kernel-default', '6.4.0-150600.21.3', 'x86_64', SUSE, '2024-06-11T10:03:20.000Z'),
      rpm('kernel-default', '6.4.0-150600.23.7.3', 'x86_64', SUSE, '2024-07-11T12:13:20.000Z'),
      rpm('libopenssl3', '3.1.4-150600.5.7.1', 'x86_64', SUSE, '2024-06-11T10:02:40.000Z'),
      rpm('openSUSE-release', '15.6-lp156.413.1', 'x86_64', 'openSUSE', '2024-06-11T10:01:40.000Z'),
      rpm('patterns-base-base', '20200124-lp156.4.1', 'x86_64', 'openSUSE', '2024-06-11T10:05:20.000Z'),
      rpm('timezone', '2024a-150000.75.28.1', 'x86_64', SUSE, '2024-06-11T10:05:10.000Z'),
      rpm('vlc', '3.0.21-lp156.1.2', 'x86_64', 'http://packman.links2linux.de', '2024-07-11T12:15:00.000Z'),
      rpm('yast2', '4.6.7-lp156.1.1', 'x86_64', 'openSUSE', '2024-06-11T10:05:00.000Z'),
    ],
  },
  {
    // Truncated, over-long, nameless and versionless lines, stray text and NULs are dropped;
    // (none) tags are omitted; CRLF and a missing final newline are fine.
    fixture: 'handmade-malformed.txt',
    expected: [
      rpm('bad-time', '1.0-1', 'x86_64', 'Example'),
      rpm('bzip2-libs', '1.0.8-8.el9', 'x86_64', RH, '2024-03-07T13:41:02.000Z'),
      rpm('explicit-zero-epoch', '0:1.0-1', 'x86_64', 'Example', '2024-03-07T13:41:20.000Z'),
      rpm('kancelář-tools', '2.5-3', 'noarch', 'Česká kancelář s.r.o.', '2024-05-01T10:56:41.000Z'),
      rpm('last-line-no-newline', '3:4.5-6.el9', 'aarch64', RH, '2024-05-01T10:56:44.000Z'),
      rpm('müller-werkzeug', '1.0-1.el9', 'x86_64', 'Müller Systemhaus GmbH', '2024-05-01T10:56:40.000Z'),
      rpm('no-release', '7.1', 'noarch', 'Example', '2024-03-07T13:41:10.000Z'),
      rpm('no-vendor-no-arch', '0.9-1', undefined, undefined),
      rpm('zlib', '1.2.11-40.el9', 'x86_64', RH, '2024-03-07T13:41:00.000Z'),
    ],
  },
];

describe('rpm collector with a fake rpm', () => {
  it.each(cases)('$fixture', async ({ fixture: name, expected }) => {
    const calls: Call[] = [];
    const items = await rpmCollector.collect(fakeContext(fixture(name), [], calls));
    expect(items).toEqual(expected);
    expect(calls).toEqual([{ cmd: 'rpm', args: RPM_QUERY_ARGS, timeoutMs: 12_345 }]);
  });

  it('yields nothing for an empty database', async () => {
    expect(await rpmCollector.collect(fakeContext(''))).toEqual([]);
  });

  it('passes a failing rpm through', async () => {
    const ctx = fakeContext('');
    ctx.run = async () => {
      throw new CommandError('rpm timed out', 'rpm', 'timeout');
    };
    await expect(rpmCollector.collect(ctx)).rejects.toThrow(CommandError);
  });
});

describe('rpm detect', () => {
  it.each([
    { files: ['/fixture-root/var/lib/rpm/rpmdb.sqlite'], expected: true },
    { files: ['/fixture-root/usr/lib/sysimage/rpm/rpmdb.sqlite'], expected: true },
    { files: ['/fixture-root/usr/lib/sysimage/rpm/Packages.db'], expected: true },
    { files: ['/fixture-root/var/lib/rpm/Packages'], expected: true },
    // The directory alone (rpm tool on Debian) is not a database.
    { files: ['/fixture-root/var/lib/rpm'], expected: false },
    { files: [], expected: false },
  ])('$files -> $expected', async ({ files, expected }) => {
    expect(await rpmCollector.detect(fakeContext('', files))).toBe(expected);
  });
});

describe('parseRpmQuery', () => {
  it('keeps what rpm prints, epoch first', () => {
    expect(parseRpmQuery('openssl-libs\t1\t3.0.7\t27.el9\tx86_64\tRed Hat, Inc.\t1714557501\n')).toEqual([
      rpm('openssl-libs', '1:3.0.7-27.el9', 'x86_64', RH, '2024-05-01T09:58:21.000Z'),
    ]);
  });

  it('drops imported signing keys', () => {
    const text = fixture('rhel-9.4-server.txt');
    expect(text).toContain('gpg-pubkey');
    expect(parseRpmQuery(text).map((i) => i.name)).not.toContain('gpg-pubkey');
  });

  it('survives garbage', () => {
    expect(parseRpmQuery('')).toEqual([]);
    expect(parseRpmQuery('\u0000\t\t\t\t\t\t\n\t\n(none)\t\t(none)\t\t\t\t\n')).toEqual([]);
  });

  it('sends the query format as one argv element with rpm escapes', () => {
    expect(RPM_QUERY_ARGS).toEqual([
      '-qa',
      '--qf',
      '%{NAME}\\t%|EPOCH?{%{EPOCH}}:{}|\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\n',
    ]);
  });
});

function hasRpmDatabase(): boolean {
  try {
    return execFileSync('rpm', ['-qa'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

describe('rpm collector on this machine', () => {
  it.skipIf(!hasRpmDatabase())('lists every package rpm -qa lists, minus signing keys', async () => {
    const names = execFileSync('rpm', ['-qa', '--qf', '%{NAME}\\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((n) => n !== '' && n !== 'gpg-pubkey');
    const ctx: CollectContext = { ...fakeContext(''), root: '/', run: runCommand };
    const items = asItems(await rpmCollector.collect(ctx));
    expect(items.map((i) => i.name).sort()).toEqual(names.sort());
  });
});
