import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PendingUpdate } from '@stocktake/shared';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError, type RunCommand, type RunOptions, runCommand } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { dnfUpdatesCollector, ENGINES } from './index.ts';
import {
  type AvailableUpdate,
  combine,
  type DnfPatchState,
  parseCheckUpdate,
  parseDnf5AdvisoryJson,
  parseUpdateinfoList,
} from './parse.ts';
import { buildScratchRpmSystem, hasScratchTools, SCRATCH_ADVISORY } from './scratch-rpm-repo.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

function context(overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root: '/r', timeoutMs: 9_876, platform: 'linux' }),
    ...overrides,
  };
}

const avail = (name: string, availableVersion: string, repository: string): AvailableUpdate => ({
  name,
  availableVersion,
  repository,
});

const plain = (name: string, availableVersion: string, origin: string): PendingUpdate => ({
  name,
  availableVersion,
  security: false,
  origin,
});

const sec = (name: string, availableVersion: string, origin: string, severity?: string): PendingUpdate => ({
  name,
  availableVersion,
  security: true,
  origin,
  ...(severity ? { severity } : {}),
});

const state = (pending: PendingUpdate[]): DnfPatchState => ({
  pendingCount: pending.length,
  pendingSecurityCount: pending.filter((p) => p.security).length,
  pending,
});

const BASEOS = 'rhel-9-for-x86_64-baseos-rpms';

/** The updates of the RHEL 9 style capture, in dnf's order. */
const RHEL9_UPDATES: AvailableUpdate[] = [
  avail('NetworkManager.x86_64', '1:1.46.0-4.el9_4', BASEOS),
  avail('glibc.i686', '2.34-100.el9_4.2', BASEOS),
  avail('glibc.x86_64', '2.34-100.el9_4.2', BASEOS),
  avail('google-chrome-stable.x86_64', '125.0.6422.141-1', BASEOS),
  avail('kernel-core.x86_64', '5.14.0-427.13.1.el9_4', BASEOS),
  avail('openssl.x86_64', '1:3.0.7-27.el9', BASEOS),
  avail('openssl-libs.x86_64', '1:3.0.7-27.el9', BASEOS),
  avail('python3-setuptools-wheel-compat-extremely-long-package-name.noarch', '53.0.0-13.el9_4', BASEOS),
  avail('subscription-manager.x86_64', '1.29.40-1.el9_4', BASEOS),
  avail('tzdata.noarch', '2024a-2.el9', BASEOS),
];

const RHEL9_STATE = state([
  plain('NetworkManager.x86_64', '1:1.46.0-4.el9_4', BASEOS),
  sec('glibc.i686', '2.34-100.el9_4.2', 'RHSA-2024:2722', 'Important'),
  sec('glibc.x86_64', '2.34-100.el9_4.2', 'RHSA-2024:2722', 'Important'),
  // An advisory without severity: dnf prints `Unknown/Sec.`.
  sec('google-chrome-stable.x86_64', '125.0.6422.141-1', 'CHROME-2024-0521'),
  sec('kernel-core.x86_64', '5.14.0-427.13.1.el9_4', 'RHSA-2024:2394', 'Important'),
  sec('openssl.x86_64', '1:3.0.7-27.el9', 'RHSA-2024:2447', 'Moderate'),
  sec('openssl-libs.x86_64', '1:3.0.7-27.el9', 'RHSA-2024:2447', 'Moderate'),
  plain('python3-setuptools-wheel-compat-extremely-long-package-name.noarch', '53.0.0-13.el9_4', BASEOS),
  plain('subscription-manager.x86_64', '1.29.40-1.el9_4', BASEOS),
  plain('tzdata.noarch', '2024a-2.el9', BASEOS),
]);

describe('parseCheckUpdate', () => {
  it('reads real dnf 4.14 output, obsoletes section included', () => {
    expect(parseCheckUpdate(fixture('rhel-9-style-dnf-4.14-check-update.txt'))).toEqual(RHEL9_UPDATES);
  });

  it('reads the same output wrapped at 80 columns', () => {
    expect(parseCheckUpdate(fixture('rhel-9-style-dnf-4.14-check-update-80-columns.txt'))).toEqual(RHEL9_UPDATES);
  });

  it('reads yum 3 output: trailing spaces, a wrapped name, a replacing package not listed above', () => {
    expect(parseCheckUpdate(fixture('centos-7-yum-check-update.txt'))).toEqual([
      avail('NetworkManager.x86_64', '1:1.18.8-2.el7_9', 'updates'),
      avail('NetworkManager-libnm.x86_64', '1:1.18.8-2.el7_9', 'updates'),
      avail('bind-export-libs.x86_64', '32:9.11.4-26.P2.el7_9.16', 'updates'),
      avail('java-1.8.0-openjdk-headless.x86_64', '1:1.8.0.412.b08-1.el7_9', 'updates'),
      avail('kernel.x86_64', '3.10.0-1160.119.1.el7', 'updates'),
      avail('python-perf.x86_64', '3.10.0-1160.119.1.el7', 'updates'),
      avail('selinux-policy-targeted.noarch', '3.13.1-268.el7_9.2', 'updates'),
      avail('xorg-x11-server-Xwayland-compat-legacy.x86_64', '1.20.4-24.el7_9', 'updates'),
      avail('grub2.x86_64', '1:2.02-0.87.el7.centos.14', 'updates'),
      avail('grub2-tools-efi-extra.x86_64', '1:2.02-0.87.el7.centos.14', 'updates'),
    ]);
  });

  it('reads dnf5 check-upgrade: heading, blank line, lower-case obsoletes heading', () => {
    expect(parseCheckUpdate(fixture('fedora-41-dnf5-check-upgrade.txt'))).toEqual([
      avail('firefox.x86_64', '133.0-1.fc41', 'updates'),
      avail('kernel.x86_64', '6.12.4-200.fc41', 'updates'),
      avail('kernel-core.x86_64', '6.12.4-200.fc41', 'updates'),
      avail('libxml2.i686', '2.12.9-1.fc41', 'updates'),
      avail('libxml2.x86_64', '2.12.9-1.fc41', 'updates'),
      avail('mesa-dri-drivers.x86_64', '24.2.8-1.fc41', 'updates'),
      avail('python3-libdnf5.x86_64', '5.2.8.1-2.fc41', 'updates'),
      avail('vim-minimal.x86_64', '2:9.1.866-1.fc41', 'updates'),
      avail('code.x86_64', '1.96.0-1733888243.el8', 'code'),
    ]);
  });

  it('survives malformed lines', () => {
    // `Security:` notes, a repeated line, no arch, a bad arch, no version, two and four
    // cells, a stray indented line, NUL and invalid UTF-8, a wrapped name cut off by a blank
    // line, a record wrapped over three lines, CRLF, no final newline.
    expect(parseCheckUpdate(fixture('handmade-malformed-check-update.txt'))).toEqual([
      avail('openssl-libs.x86_64', '1:3.0.7-27.el9', 'baseos'),
      avail('žluťoučký-kůň.noarch', '2.0-1.fc41', 'updates-ünïcode'),
      avail('wrapped-in-three.x86_64', '4.5-6.el9', 'appstream'),
      avail('last-line.aarch64', '7:1.0-1.el9', 'baseos'),
    ]);
    expect(parseCheckUpdate('')).toEqual([]);
    expect(parseCheckUpdate('\n\n\u0000\r\n')).toEqual([]);
  });
});

describe('advisory parsers', () => {
  it('reads real dnf 4.14 updateinfo output', () => {
    expect(parseUpdateinfoList(fixture('rhel-9-style-dnf-4.14-updateinfo-security.txt'))).toEqual([
      { id: 'RHSA-2024:2722', severity: 'Important', package: 'glibc.i686' },
      { id: 'RHSA-2024:2722', severity: 'Important', package: 'glibc.x86_64' },
      { id: 'CHROME-2024-0521', package: 'google-chrome-stable.x86_64' },
      { id: 'RHSA-2024:2394', severity: 'Important', package: 'kernel-core.x86_64' },
      { id: 'RHSA-2024:2447', severity: 'Moderate', package: 'openssl.x86_64' },
      { id: 'RHSA-2024:2447', severity: 'Moderate', package: 'openssl-libs.x86_64' },
    ]);
  });

  it('skips non-security and unreadable updateinfo lines', () => {
    expect(parseUpdateinfoList(fixture('handmade-malformed-updateinfo.txt'))).toEqual([
      { id: 'RHSA-2024:1', severity: 'Important', package: 'openssl-libs.x86_64' },
      { id: 'FEDORA-2024-ü', package: 'last-line.aarch64' },
    ]);
  });

  it('reads dnf5 JSON and drops a `None` severity', () => {
    expect(parseDnf5AdvisoryJson(fixture('fedora-41-dnf5-advisory-security.json'))).toEqual([
      { id: 'FEDORA-2024-8f0a4e3c2a', severity: 'Important', package: 'firefox.x86_64' },
      { id: 'FEDORA-2024-5d1e9c0b77', severity: 'Moderate', package: 'libxml2.i686' },
      { id: 'FEDORA-2024-5d1e9c0b77', severity: 'Moderate', package: 'libxml2.x86_64' },
      { id: 'FEDORA-2024-d1b0c7a9e4', package: 'vim-minimal.x86_64' },
      { id: 'FEDORA-2024-61a7e3b2c1', severity: 'Low', package: 'vim-minimal.x86_64' },
    ]);
    expect(parseDnf5AdvisoryJson('')).toEqual([]);
    expect(parseDnf5AdvisoryJson('[{"name":1},null,"x",{"name":"A","type":"bugfix","nevra":"a-1-1.x86_64"}]')).toEqual(
      [],
    );
  });

  it('refuses dnf5 output that is not the JSON array', () => {
    expect(() => parseDnf5AdvisoryJson('Name Type Severity Package Issued\n')).toThrow(/not JSON/);
    expect(() => parseDnf5AdvisoryJson('{"a":1}')).toThrow(/not print an array/);
  });
});

describe('combine', () => {
  it('marks the RHEL 9 style capture', () => {
    const advisories = parseUpdateinfoList(fixture('rhel-9-style-dnf-4.14-updateinfo-security.txt'));
    expect(combine(RHEL9_UPDATES, advisories)).toEqual(RHEL9_STATE);
  });

  it('joins several advisories of one package and keeps the highest severity', () => {
    const updates = parseCheckUpdate(fixture('centos-7-yum-check-update.txt'));
    const result = combine(updates, parseUpdateinfoList(fixture('rhel-7-yum-updateinfo-security.txt')));
    expect(result.pendingCount).toBe(10);
    expect(result.pendingSecurityCount).toBe(4);
    expect(result.pending).toContainEqual(
      sec('kernel.x86_64', '3.10.0-1160.119.1.el7', 'RHSA-2024:2996, RHSA-2024:3421', 'Important'),
    );
    expect(result.pending).toContainEqual(plain('selinux-policy-targeted.noarch', '3.13.1-268.el7_9.2', 'updates'));
  });

  it('keeps the known severity over none', () => {
    const updates = parseCheckUpdate(fixture('fedora-41-dnf5-check-upgrade.txt'));
    const result = combine(updates, parseDnf5AdvisoryJson(fixture('fedora-41-dnf5-advisory-security.json')));
    expect(result.pendingSecurityCount).toBe(4);
    expect(result.pending).toContainEqual(
      sec('vim-minimal.x86_64', '2:9.1.866-1.fc41', 'FEDORA-2024-61a7e3b2c1, FEDORA-2024-d1b0c7a9e4', 'Low'),
    );
  });
});

interface Call {
  cmd: string;
  args: readonly string[];
  options: RunOptions | undefined;
}

/** A context with the given binaries and rpm database files, whose commands print the given outputs. */
function fakeSystem(
  files: string[],
  outputs: Record<string, { stdout: string; exitCode: number } | Error>,
  calls: Call[] = [],
  changed: Date | null = new Date('2024-05-01T10:00:00Z'),
): CollectContext {
  const run: RunCommand = async (cmd, args, options) => {
    calls.push({ cmd, args, options });
    const out = outputs[args.join(' ')];
    if (out === undefined) throw new CommandError(`unexpected ${cmd} ${args.join(' ')}`, cmd, 'exit');
    if (out instanceof Error) throw out;
    return { ...out, stderr: '' };
  };
  return context({
    run,
    exists: async (p) => files.includes(p),
    mtime: async (p) => (files.includes(p) && p.includes('/rpm/') ? (changed ?? undefined) : undefined),
  });
}

const DNF4 = ['/r/usr/bin/dnf', '/r/var/lib/rpm/rpmdb.sqlite'];

describe('dnfUpdatesCollector', () => {
  it('runs dnf check-update (100 is success) and updateinfo, and adds the rpm database mtime', async () => {
    const calls: Call[] = [];
    const ctx = fakeSystem(
      DNF4,
      {
        '-q -C check-update': { stdout: fixture('rhel-9-style-dnf-4.14-check-update.txt'), exitCode: 100 },
        '-q -C updateinfo list --security': {
          stdout: fixture('rhel-9-style-dnf-4.14-updateinfo-security.txt'),
          exitCode: 0,
        },
      },
      calls,
    );
    expect(await dnfUpdatesCollector.collect(ctx)).toEqual({
      ...RHEL9_STATE,
      lastPackageChange: '2024-05-01T10:00:00.000Z',
    });
    expect(calls).toEqual([
      { cmd: 'dnf', args: ['-q', '-C', 'check-update'], options: { timeoutMs: 9_876, okExitCodes: [0, 100] } },
      { cmd: 'dnf', args: ['-q', '-C', 'updateinfo', 'list', '--security'], options: { timeoutMs: 9_876 } },
    ]);
  });

  it('does not ask for advisories when nothing is pending', async () => {
    const calls: Call[] = [];
    const ctx = fakeSystem(DNF4, { '-q -C check-update': { stdout: '\n', exitCode: 0 } }, calls);
    expect(await dnfUpdatesCollector.collect(ctx)).toEqual({
      ...state([]),
      lastPackageChange: '2024-05-01T10:00:00.000Z',
    });
    expect(calls).toHaveLength(1);
  });

  it('prefers dnf5 and reads its JSON advisories', async () => {
    const calls: Call[] = [];
    const ctx = fakeSystem(
      ['/r/usr/bin/dnf5', '/r/usr/bin/dnf', '/r/usr/lib/sysimage/rpm/rpmdb.sqlite'],
      {
        '-q -C check-upgrade': { stdout: fixture('fedora-41-dnf5-check-upgrade.txt'), exitCode: 100 },
        '-q -C advisory list --security --json': {
          stdout: fixture('fedora-41-dnf5-advisory-security.json'),
          exitCode: 0,
        },
      },
      calls,
    );
    const result = await dnfUpdatesCollector.collect(ctx);
    expect(result.pendingCount).toBe(9);
    expect(result.pendingSecurityCount).toBe(4);
    expect(result.lastPackageChange).toBe('2024-05-01T10:00:00.000Z');
    expect(calls.map((c) => c.cmd)).toEqual(['dnf5', 'dnf5']);
  });

  it('uses yum where there is no dnf', async () => {
    const calls: Call[] = [];
    const ctx = fakeSystem(
      ['/r/usr/bin/yum', '/r/var/lib/rpm/Packages'],
      {
        '-q -C check-update': { stdout: fixture('centos-7-yum-check-update.txt'), exitCode: 100 },
        '-q -C updateinfo list security': { stdout: fixture('rhel-7-yum-updateinfo-security.txt'), exitCode: 0 },
      },
      calls,
      null,
    );
    const result = await dnfUpdatesCollector.collect(ctx);
    expect(result.pendingSecurityCount).toBe(4);
    expect(result).not.toHaveProperty('lastPackageChange');
    expect(calls.map((c) => `${c.cmd} ${c.args.join(' ')}`)).toEqual([
      'yum -q -C check-update',
      'yum -q -C updateinfo list security',
    ]);
  });

  it('fails when dnf says updates are available but none could be read', async () => {
    const ctx = fakeSystem(DNF4, { '-q -C check-update': { stdout: 'Some new format\n', exitCode: 100 } });
    await expect(dnfUpdatesCollector.collect(ctx)).rejects.toThrow(/exited 100.*no update line/);
  });

  it('passes dnf errors through (exit 1, no cache, advisory failure)', async () => {
    const noCache = new CommandError(
      'dnf -q -C check-update exited 1: Error: Cache-only enabled but no cache',
      'dnf',
      'exit',
    );
    await expect(dnfUpdatesCollector.collect(fakeSystem(DNF4, { '-q -C check-update': noCache }))).rejects.toThrow(
      /Cache-only/,
    );
    const ctx = fakeSystem(DNF4, {
      '-q -C check-update': { stdout: fixture('rhel-9-style-dnf-4.14-check-update.txt'), exitCode: 100 },
      '-q -C updateinfo list --security': new CommandError('timed out', 'dnf', 'timeout'),
    });
    await expect(dnfUpdatesCollector.collect(ctx)).rejects.toThrow(/timed out/);
  });

  it('detects a front end only together with an rpm database', async () => {
    const on = (files: string[]) => context({ exists: async (p) => files.includes(p) });
    expect(await dnfUpdatesCollector.detect(on(DNF4))).toBe(true);
    expect(await dnfUpdatesCollector.detect(on(['/r/usr/bin/yum', '/r/usr/lib/sysimage/rpm/Packages.db']))).toBe(true);
    // dnf installed on Debian: no rpm database.
    expect(await dnfUpdatesCollector.detect(on(['/r/usr/bin/dnf']))).toBe(false);
    expect(await dnfUpdatesCollector.detect(on(['/r/var/lib/rpm/rpmdb.sqlite']))).toBe(false);
    expect(ENGINES.map((e) => e.binary)).toEqual(['dnf5', 'dnf', 'yum']);
  });
});

const hasTools = existsSync('/usr/bin/dnf') && hasScratchTools();

/** Points the real dnf at a scratch rpm system: returns the options to append to its commands. */
async function scratchDnfSystem(work: string): Promise<string[]> {
  const { root, repo } = await buildScratchRpmSystem(work);
  const reposd = path.join(work, 'repos.d');
  await mkdir(reposd);
  await writeFile(path.join(reposd, 'probe.repo'), `[probe]\nname=probe\nbaseurl=file://${repo}\ngpgcheck=0\n`);
  const conf = path.join(work, 'dnf.conf');
  await writeFile(conf, `[main]\ngpgcheck=0\nreposdir=${reposd}\ncachedir=${path.join(work, 'cache')}\n`);
  const options = [
    `--installroot=${root}`,
    `--config=${conf}`,
    `--setopt=reposdir=${reposd}`,
    '--releasever=9',
    '--forcearch=x86_64',
  ];
  execFileSync('dnf', ['-q', 'makecache', ...options], { stdio: 'pipe' });
  return options;
}

describe('dnfUpdatesCollector with the real dnf', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!hasTools)(
    'reads what dnf prints for a scratch system with one security advisory',
    async () => {
      work = await mkdtemp(path.join(tmpdir(), 'stocktake-dnf-'));
      const options = await scratchDnfSystem(work);
      const run: RunCommand = (cmd, args, opts) => runCommand(cmd, [...args, ...options], opts);
      const ctx = context({ root: '/', run, exists: async (p) => p === '/usr/bin/dnf' });
      const result = await dnfUpdatesCollector.collect(ctx);
      expect(result.pendingCount).toBe(3);
      expect(result.pendingSecurityCount).toBe(1);
      expect(result.pending).toEqual([
        plain('probe-data.noarch', '2024b-1', 'probe'),
        sec('probe-libs.x86_64', '1.1-1', SCRATCH_ADVISORY, 'Critical'),
        plain('probe-tools-with-a-name-too-long-for-the-column-dnf-sizes.x86_64', '3.1-1', 'probe'),
      ]);
    },
    120_000,
  );
});
