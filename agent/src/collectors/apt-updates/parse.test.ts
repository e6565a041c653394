import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PendingUpdate } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../runner/run-command.ts';
import { testContext } from '../test-context.ts';
import type { CollectContext } from '../types.ts';
import { aptUpdatesCollector } from './index.ts';
import { APT_SIMULATE_ARGS, type AptPatchState, parseAptSimulate } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

function context(overrides: Partial<CollectContext> = {}): CollectContext {
  return testContext(overrides);
}

const update = (
  name: string,
  installedVersion: string | undefined,
  availableVersion: string,
  origin: string,
  security: boolean,
): PendingUpdate => ({
  name,
  ...(installedVersion ? { installedVersion } : {}),
  availableVersion,
  security,
  origin,
});

const state = (pending: PendingUpdate[]): AptPatchState => ({
  pendingCount: pending.length,
  pendingSecurityCount: pending.filter((p) => p.security).length,
  pending,
});

const DSA = 'Debian-Security:12/stable-security';
const JAMMY_BOTH = 'Ubuntu:22.04/jammy-updates, Ubuntu:22.04/jammy-security';
const SURY = '***** The main PPA for supported PHP versions with many PECL extensions *****:22.04/jammy';

const cases: { fixture: string; expected: AptPatchState }[] = [
  {
    // Remv line ignored; a new kernel package has no installed version; an update in both
    // the point release and the security archive counts as security.
    fixture: 'debian-12-security.txt',
    expected: state([
      update('libssl3', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', DSA, true),
      update('openssl', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', DSA, true),
      update('tzdata', '2024a-0+deb12u1', '2024b-0+deb12u1', 'Debian:12.7/stable', false),
      update('libcurl4', '7.88.1-10+deb12u6', '7.88.1-10+deb12u7', `Debian:12.7/stable, ${DSA}`, true),
      update('linux-image-6.1.0-25-amd64', undefined, '6.1.106-3', DSA, true),
      update('linux-image-amd64', '6.1.99-1', '6.1.106-3', DSA, true),
    ]),
  },
  {
    // Non-root NOTE banner, foreign-arch package named `libc6:i386`, broken-dependency
    // trailer, labels with spaces (Docker, a Launchpad PPA), epochs in versions.
    fixture: 'ubuntu-22.04-multi-origin.txt',
    expected: state([
      update('base-files', '12ubuntu4.4', '12ubuntu4.6', 'Ubuntu:22.04/jammy-updates', false),
      update('libc6', '2.35-0ubuntu3.6', '2.35-0ubuntu3.8', JAMMY_BOTH, true),
      update('libc6:i386', '2.35-0ubuntu3.6', '2.35-0ubuntu3.8', JAMMY_BOTH, true),
      update('libc-bin', '2.35-0ubuntu3.6', '2.35-0ubuntu3.8', JAMMY_BOTH, true),
      update('openssl', '3.0.2-0ubuntu1.12', '3.0.2-0ubuntu1.15', JAMMY_BOTH, true),
      update('docker-ce', '5:26.1.3-1~ubuntu.22.04~jammy', '5:26.1.4-1~ubuntu.22.04~jammy', 'Docker CE:jammy', false),
      update('php8.3-cli', '8.3.6-1+ubuntu22.04.1+deb.sury.org+1', '8.3.7-1+ubuntu22.04.1+deb.sury.org+1', SURY, false),
      update('python3-update-manager', '1:22.04.19', '1:22.04.20', 'Ubuntu:22.04/jammy-updates', false),
    ]),
  },
  {
    fixture: 'ubuntu-22.04-up-to-date.txt',
    expected: state([]),
  },
  {
    // Held packages are only named in the "kept back" list, with no candidate version.
    fixture: 'debian-12-held.txt',
    expected: state([
      update('libssl3', '3.0.13-1~deb12u1', '3.0.14-1~deb12u2', DSA, true),
      update('openssl', '3.0.13-1~deb12u1', '3.0.14-1~deb12u2', DSA, true),
    ]),
  },
];

describe('parseAptSimulate on fixtures', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    expect(parseAptSimulate(fixture(name))).toEqual(expected);
  });

  it('reads the capture of a Debian 12 container, trailers and all', () => {
    const text = fixture('debian-12-container.txt');
    const result = parseAptSimulate(text);
    const instLines = text.split('\n').filter((l) => l.startsWith('Inst ')).length;
    expect(instLines).toBe(106);
    expect(result.pendingCount).toBe(106);
    expect(result.pendingSecurityCount).toBe(0);
    expect(result.pending).toContainEqual(
      update('libperl5.36', '5.36.0-7+deb12u2', '5.36.0-7+deb12u3', 'Debian:12.15/oldstable', false),
    );
    expect(result.pending).toContainEqual(
      update('libpam-modules-bin', '1.5.2-6+deb12u1', '1.5.2-6+deb12u2', 'Debian:12.15/oldstable', false),
    );
    expect(result.pending).toContainEqual(
      update('login', '1:4.13+dfsg1-1+deb12u1', '1:4.13+dfsg1-1+deb12u2', 'Debian:12.15/oldstable', false),
    );
  });
});

describe('parseAptSimulate edge cases', () => {
  it('ignores Conf, Remv and Purg lines', () => {
    const text = ['Remv libold1 [1.0-1]', 'Purg libgone2 [2.0-1]', 'Conf foo (1.1-1 Debian:12.7/stable [amd64])'].join(
      '\n',
    );
    expect(parseAptSimulate(text)).toEqual(state([]));
  });

  it('handles CRLF, an empty origin list, a missing arch and repeated lines', () => {
    const text = [
      'Inst a [1] (2 Debian:12.7/stable [amd64])\r',
      'Inst a [1] (2 Debian:12.7/stable [amd64])',
      'Inst b [1] (2  [amd64])',
      'Inst c (3)',
    ].join('\n');
    expect(parseAptSimulate(text)).toEqual(
      state([
        update('a', '1', '2', 'Debian:12.7/stable', false),
        { name: 'b', installedVersion: '1', availableVersion: '2', security: false },
        { name: 'c', availableVersion: '3', security: false },
      ]),
    );
  });

  it('skips lines it cannot read', () => {
    const text = ['Inst', 'Inst broken [1.0', 'Inst nocandidate [1.0]', 'Installing: x', '\u0000Inst z (1 x)'].join(
      '\n',
    );
    expect(parseAptSimulate(text)).toEqual(state([]));
  });

  it('recognises the Debian security archive by its label on releases before 11', () => {
    const text = 'Inst libssl1.1 [1.1.1n-0+deb10u5] (1.1.1n-0+deb10u6 Debian-Security:10/oldoldstable [amd64])';
    expect(parseAptSimulate(text).pendingSecurityCount).toBe(1);
  });

  it('recognises Ubuntu ESM security pockets', () => {
    const text = 'Inst libfoo [1] (2 UbuntuESMApps:22.04/jammy-apps-security [amd64])';
    expect(parseAptSimulate(text).pendingSecurityCount).toBe(1);
  });
});

describe('aptUpdatesCollector', () => {
  it('runs the simulation and adds the dpkg database mtime', async () => {
    const calls: { cmd: string; args: readonly string[]; timeoutMs: number | undefined }[] = [];
    const run: RunCommand = async (cmd, args, options) => {
      calls.push({ cmd, args, timeoutMs: options?.timeoutMs });
      return { stdout: fixture('debian-12-held.txt'), stderr: '', exitCode: 0 };
    };
    const changed = new Date('2024-08-31T09:15:00Z');
    const ctx = context({
      root: '/fixture-root',
      run,
      timeoutMs: 4_321,
      mtime: async (p) => (p === '/fixture-root/var/lib/dpkg/status' ? changed : undefined),
    });
    expect(await aptUpdatesCollector.collect(ctx)).toEqual({
      ...parseAptSimulate(fixture('debian-12-held.txt')),
      lastPackageChange: '2024-08-31T09:15:00.000Z',
    });
    expect(calls).toEqual([{ cmd: 'apt-get', args: APT_SIMULATE_ARGS, timeoutMs: 4_321 }]);
  });

  it('leaves lastPackageChange out when the status file has no mtime', async () => {
    const run: RunCommand = async () => ({ stdout: '', stderr: '', exitCode: 0 });
    const result = await aptUpdatesCollector.collect(context({ run, mtime: async () => undefined }));
    expect(result).not.toHaveProperty('lastPackageChange');
  });

  it('detects apt only when apt-get, /etc/apt and the dpkg database all exist', async () => {
    const all = ['/r/usr/bin/apt-get', '/r/etc/apt', '/r/var/lib/dpkg/status'];
    const on = (files: string[]) => context({ root: '/r', exists: async (p) => files.includes(p) });
    expect(await aptUpdatesCollector.detect(on(all))).toBe(true);
    for (const missing of all) {
      expect(await aptUpdatesCollector.detect(on(all.filter((f) => f !== missing)))).toBe(false);
    }
  });
});

const hasApt = existsSync('/usr/bin/apt-get') && existsSync('/var/lib/dpkg/status');

describe('aptUpdatesCollector on this machine', () => {
  it.skipIf(!hasApt)('returns a consistent patch state', async () => {
    const ctx = context();
    expect(await aptUpdatesCollector.detect(ctx)).toBe(true);
    const result = await aptUpdatesCollector.collect(ctx);
    const { pendingCount, pendingSecurityCount, pending } = result;
    expect(Number.isInteger(pendingCount)).toBe(true);
    expect(Number.isInteger(pendingSecurityCount)).toBe(true);
    expect(pendingSecurityCount).toBeGreaterThanOrEqual(0);
    expect(pendingCount).toBeGreaterThanOrEqual(pendingSecurityCount ?? 0);
    expect(pending).toHaveLength(pendingCount ?? -1);
    expect(result.lastPackageChange).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
