import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PendingUpdate } from '@stocktake/shared';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError, type RunCommand, type RunOptions, runCommand } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import { buildScratchRpmSystem, hasScratchTools, SCRATCH_ADVISORY } from '../dnf-updates/scratch-rpm-repo.ts';
import type { CollectContext } from '../types.ts';
import { LIST_SECURITY_PATCHES_ARGS, LIST_UPDATES_ARGS, zypperUpdatesCollector } from './index.ts';
import {
  combine,
  type PackageUpdate,
  parseListPatches,
  parseListUpdates,
  parsePatchInfo,
  zypperErrors,
} from './parse.ts';
import { findAll, parseXml } from './xml.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

function context(overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root: '/r', timeoutMs: 5_555, platform: 'linux' }),
    ...overrides,
  };
}

const BASE = 'Basesystem_Module_15_SP5_x86_64:SLE-Module-Basesystem15-SP5-Updates';
const DESKTOP = 'Desktop_Applications_Module_15_SP5_x86_64:SLE-Module-Desktop-Applications15-SP5-Updates';

const pkg = (name: string, installedVersion: string, availableVersion: string, repository: string): PackageUpdate => ({
  name,
  arch: 'x86_64',
  installedVersion,
  availableVersion,
  repository,
});

const SLES_UPDATES: PackageUpdate[] = [
  pkg('MozillaFirefox', '115.13.0-150200.152.146.1', '115.14.0-150200.152.149.1', DESKTOP),
  pkg('glibc', '2.31-150300.63.1', '2.31-150300.83.1', BASE),
  pkg('glibc-32bit', '2.31-150300.63.1', '2.31-150300.83.1', BASE),
  pkg('kernel-default', '5.14.21-150500.55.65.1', '5.14.21-150500.55.68.1', BASE),
  pkg('libopenssl3', '3.0.8-150500.5.34.1', '3.0.8-150500.5.39.1', BASE),
  pkg('timezone', '2023d-150000.75.23.1', '2024a-150000.75.28.1', BASE),
  pkg('zypper', '1.14.68-150500.6.7.1', '1.14.73-150500.6.14.1', BASE),
];

const P = 'SUSE-SLE-Module-Basesystem-15-SP5-2024-';

const SLES_PENDING: PendingUpdate[] = [
  {
    name: 'MozillaFirefox',
    installedVersion: '115.13.0-150200.152.146.1',
    availableVersion: '115.14.0-150200.152.149.1',
    security: false,
    origin: DESKTOP,
  },
  {
    name: 'glibc',
    installedVersion: '2.31-150300.63.1',
    availableVersion: '2.31-150300.83.1',
    security: true,
    origin: `${P}2571`,
    severity: 'Important',
  },
  {
    name: 'glibc-32bit',
    installedVersion: '2.31-150300.63.1',
    availableVersion: '2.31-150300.83.1',
    security: true,
    origin: `${P}2571`,
    severity: 'Important',
  },
  {
    // Two patches update the kernel: both ids, the higher severity.
    name: 'kernel-default',
    installedVersion: '5.14.21-150500.55.65.1',
    availableVersion: '5.14.21-150500.55.68.1',
    security: true,
    origin: `${P}2700, ${P}2701`,
    severity: 'Critical',
  },
  {
    name: 'libopenssl3',
    installedVersion: '3.0.8-150500.5.34.1',
    availableVersion: '3.0.8-150500.5.39.1',
    security: true,
    origin: `${P}2600`,
    severity: 'Moderate',
  },
  {
    name: 'timezone',
    installedVersion: '2023d-150000.75.23.1',
    availableVersion: '2024a-150000.75.28.1',
    security: false,
    origin: BASE,
  },
  {
    name: 'zypper',
    installedVersion: '1.14.68-150500.6.7.1',
    availableVersion: '1.14.73-150500.6.14.1',
    security: false,
    origin: BASE,
  },
];

describe('parseXml', () => {
  it('reads elements, attributes, text and entities, and survives broken markup', () => {
    const doc = parseXml(fixture('handmade-malformed-list-updates.xml'));
    const [message] = findAll(doc, 'message');
    expect(message?.text).toBe('Loading & reading ✓ ✓ &bogus; &#0;');
    // The comment and CDATA hide their pseudo-elements; the stray `<` stays text.
    const names = findAll(doc, 'update').map((u) => u.attributes.name);
    expect(names).not.toContain('in-comment');
    expect(names).not.toContain('in-cdata');
    expect(findAll(doc, 'summary')[0]?.text).toBe('a < b stray lt');
    expect(findAll(doc, 'source')[0]?.attributes.alias).toBe('repo "q"');
  });

  it('never throws', () => {
    for (const text of [
      '',
      '<',
      '<<>>',
      '</a></b>',
      '<a',
      '<!--',
      '<![CDATA[',
      '<?xml',
      '&#xFFFFFFF;',
      '\u0000<a b=>',
    ]) {
      expect(() => parseXml(text)).not.toThrow();
    }
  });
});

describe('zypper parsers', () => {
  it('reads real zypper 1.14 list-updates, with edition-old', () => {
    const updates = parseListUpdates(fixture('zypper-1.14-rhel-style-list-updates.xml'));
    expect(updates).toHaveLength(8);
    expect(updates[0]).toEqual({
      name: 'NetworkManager',
      arch: 'x86_64',
      installedVersion: '1:1.44.0-5.el9_3',
      availableVersion: '1:1.46.0-4.el9_4',
      repository: 'repo-update',
    });
  });

  it('reads SLES list-updates', () => {
    expect(parseListUpdates(fixture('sles-15-sp5-list-updates.xml'))).toEqual(SLES_UPDATES);
  });

  it('keeps only readable package updates from malformed XML', () => {
    expect(parseListUpdates(fixture('handmade-malformed-list-updates.xml'))).toEqual([
      { name: 'single-quoted', arch: 'x86_64', availableVersion: '1.0-1', repository: 'repo "q"' },
      { name: 'no-kind-ünïcode', arch: 'noarch', installedVersion: '1.9-1.1', availableVersion: '2.0-1.1' },
      { name: 'mismatched', arch: 'aarch64', availableVersion: '3' },
      { name: 'dup-attr', arch: 'x86_64', availableVersion: '4' },
      { name: 'truncated', arch: 'x86_64', availableVersion: '5' },
    ]);
  });

  it('keeps needed security patches only, even when zypper did not filter the category', () => {
    // Real zypper 1.14 output for `list-patches --category security` still lists the bugfix
    // and enhancement patches.
    expect(parseListPatches(fixture('zypper-1.14-rhel-style-list-patches-security.xml'))).toEqual([
      { id: 'RHSA-2024:2447', severity: 'Moderate' },
      { id: 'RHSA-2024:2394', severity: 'Important' },
      { id: 'RHSA-2024:2722', severity: 'Important' },
      { id: 'CHROME-2024-0521' },
    ]);
    expect(parseListPatches(fixture('sles-15-sp5-list-patches-security.xml'))).toEqual([
      { id: `${P}2571`, severity: 'Important' },
      { id: `${P}2600`, severity: 'Moderate' },
      { id: `${P}2700`, severity: 'Important' },
      { id: `${P}2701`, severity: 'Critical' },
    ]);
  });

  it('reads the packages each patch updates from info', () => {
    const real = parsePatchInfo(fixture('zypper-1.14-rhel-style-info-patches.xml'));
    expect([...(real.get('RHSA-2024:2447') ?? [])]).toEqual([
      'openssl.x86_64',
      'openssl.noarch',
      'openssl-libs.x86_64',
      'openssl-libs.noarch',
    ]);
    const sles = parsePatchInfo(fixture('sles-15-sp5-info-patches.xml'));
    expect([...sles.keys()]).toEqual([`${P}2571`, `${P}2600`, `${P}2700`, `${P}2701`]);
    expect(sles.get(`${P}2600`)?.has('libopenssl3.x86_64')).toBe(true);
    expect(parsePatchInfo('')).toEqual(new Map());
  });

  it('reports error messages', () => {
    expect(zypperErrors(parseXml(fixture('handmade-locked.xml')))).toEqual([
      'System management is locked by the application with pid 4242 (zypper).\nClose this application before trying again.',
    ]);
    expect(zypperErrors(parseXml(fixture('sles-15-sp5-list-updates.xml')))).toEqual([]);
  });

  it('combines updates, patches and their packages', () => {
    const state = combine(
      SLES_UPDATES,
      parseListPatches(fixture('sles-15-sp5-list-patches-security.xml')),
      parsePatchInfo(fixture('sles-15-sp5-info-patches.xml')),
    );
    expect(state).toEqual({ pendingCount: 7, pendingSecurityCount: 4, pending: SLES_PENDING });
  });
});

interface Call {
  args: readonly string[];
  options: RunOptions | undefined;
}

const INFO_ARGS = `--non-interactive --no-refresh --xmlout info -t patch ${P}2571 ${P}2600 ${P}2700 ${P}2701`;

function fakeZypper(outputs: Record<string, string | Error>, calls: Call[] = []): CollectContext {
  const run: RunCommand = async (cmd, args, options) => {
    calls.push({ args, options });
    const out = outputs[args.join(' ')];
    if (cmd !== 'zypper' || out === undefined)
      throw new CommandError(`unexpected ${cmd} ${args.join(' ')}`, cmd, 'exit');
    if (out instanceof Error) throw out;
    return { stdout: out, stderr: '', exitCode: 0 };
  };
  return context({
    run,
    exists: async (p) => ['/r/usr/bin/zypper', '/r/usr/lib/sysimage/rpm/Packages.db'].includes(p),
    mtime: async (p) => (p === '/r/usr/lib/sysimage/rpm/Packages.db' ? new Date('2024-07-01T08:00:00Z') : undefined),
  });
}

const SLES_OUTPUTS: Record<string, string> = {
  [LIST_UPDATES_ARGS.join(' ')]: fixture('sles-15-sp5-list-updates.xml'),
  [LIST_SECURITY_PATCHES_ARGS.join(' ')]: fixture('sles-15-sp5-list-patches-security.xml'),
  [INFO_ARGS]: fixture('sles-15-sp5-info-patches.xml'),
};

describe('zypperUpdatesCollector', () => {
  it('runs list-updates, list-patches and info, and adds the rpm database mtime', async () => {
    const calls: Call[] = [];
    expect(await zypperUpdatesCollector.collect(fakeZypper(SLES_OUTPUTS, calls))).toEqual({
      pendingCount: 7,
      pendingSecurityCount: 4,
      pending: SLES_PENDING,
      lastPackageChange: '2024-07-01T08:00:00.000Z',
    });
    expect(calls.map((c) => c.args.join(' '))).toEqual([
      '--non-interactive --no-refresh --xmlout list-updates',
      '--non-interactive --no-refresh --xmlout list-patches --category security',
      INFO_ARGS,
    ]);
    for (const call of calls) {
      expect(call.options).toEqual({ timeoutMs: 5_555, okExitCodes: [0, 100, 101, 102, 103, 106] });
    }
  });

  it('asks nothing more when no update is pending', async () => {
    const calls: Call[] = [];
    const empty = fixture('zypper-1.14-rhel-style-list-updates.xml').replace(/<update-list>.*<\/update-list>/s, '');
    const result = await zypperUpdatesCollector.collect(fakeZypper({ [LIST_UPDATES_ARGS.join(' ')]: empty }, calls));
    expect(result).toMatchObject({ pendingCount: 0, pendingSecurityCount: 0, pending: [] });
    expect(calls).toHaveLength(1);
  });

  it('fails on an error message even when zypper exits 0', async () => {
    const ctx = fakeZypper({ [LIST_UPDATES_ARGS.join(' ')]: fixture('handmade-locked.xml') });
    await expect(zypperUpdatesCollector.collect(ctx)).rejects.toThrow(/list-updates: System management is locked/);
  });

  it('passes a failing zypper through', async () => {
    const ctx = fakeZypper({
      ...SLES_OUTPUTS,
      [LIST_SECURITY_PATCHES_ARGS.join(' ')]: new CommandError('zypper exited 4', 'zypper', 'exit'),
    });
    await expect(zypperUpdatesCollector.collect(ctx)).rejects.toThrow(CommandError);
  });

  it('detects zypper only together with an rpm database', async () => {
    const on = (files: string[]) => context({ exists: async (p) => files.includes(p) });
    expect(await zypperUpdatesCollector.detect(on(['/r/usr/bin/zypper', '/r/var/lib/rpm/Packages.db']))).toBe(true);
    expect(await zypperUpdatesCollector.detect(on(['/r/usr/bin/zypper']))).toBe(false);
  });
});

/** Registers the scratch repository with the real zypper under the scratch root and loads it. */
async function scratchZypperSystem(work: string): Promise<string> {
  const { root, repo } = await buildScratchRpmSystem(work);
  const zypper = (...args: string[]) =>
    execFileSync('zypper', ['--root', root, '--non-interactive', ...args], { stdio: 'pipe', encoding: 'utf8' });
  zypper('addrepo', '--no-gpgcheck', `file://${repo}`, 'probe');
  zypper('refresh');
  return root;
}

describe('zypperUpdatesCollector with the real zypper', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!existsSync('/usr/bin/zypper') || !hasScratchTools())(
    'reads what zypper prints for a scratch system with one security advisory',
    async () => {
      work = await mkdtemp(path.join(tmpdir(), 'stocktake-zypper-'));
      const root = await scratchZypperSystem(work);
      const run: RunCommand = (cmd, args, opts) => runCommand(cmd, ['--root', root, ...args], opts);
      const result = await zypperUpdatesCollector.collect(context({ root: '/', run }));
      expect(result.pending).toEqual([
        {
          name: 'probe-data',
          installedVersion: '2024a-1',
          availableVersion: '2024b-1',
          security: false,
          origin: 'probe',
        },
        {
          name: 'probe-libs',
          installedVersion: '1.0-1',
          availableVersion: '1.1-1',
          security: true,
          origin: SCRATCH_ADVISORY,
          severity: 'Critical',
        },
        {
          name: 'probe-tools-with-a-name-too-long-for-the-column-dnf-sizes',
          installedVersion: '3.0-1',
          availableVersion: '3.1-1',
          security: false,
          origin: 'probe',
        },
      ]);
      expect(result.pendingSecurityCount).toBe(1);
    },
    120_000,
  );
});
