import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { validateSnapshot } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../inventory/collect-snapshot.ts';
import { homebrewCaskCollector, homebrewCollector } from '../homebrew/index.ts';
import { macosAppsCollector } from '../macos-apps/index.ts';
import { APPLICATIONS_ARGS } from '../macos-apps/parse.ts';
import { BOOT_TIME_ARGS, createMacosOsCollector, SW_VERS, SYSCTL } from '../macos-os/index.ts';
import {
  createSoftwareUpdateCollector,
  DEFAULTS,
  LAST_SCAN_ARGS,
  LIST_CACHED_ARGS,
  OS_VERSION_ARGS,
  SOFTWAREUPDATE,
} from '../macos-softwareupdate/index.ts';
import type { Collector } from '../types.ts';
import { type FakeOutput, fakeContext, timeoutError } from './fake-context.ts';
import { macosHardwareCollector } from './index.ts';
import { HARDWARE_ARGS } from './parse.ts';
import { SYSTEM_PROFILER } from './system-profiler.ts';

/**
 * All macOS collectors through the real snapshot assembly, on one Mac's captures: the
 * sections they produce together must satisfy the contract, and a slow source must cost only
 * its own items.
 */

const here = import.meta.dirname;
const read = (...parts: string[]) => readFileSync(path.join(here, '..', ...parts), 'utf8');
const key = (cmd: string, args: readonly string[]) => [cmd, ...args].join(' ');
const ROOT = path.join(here, '../homebrew/fixtures/macbook-pro-m3-sonoma');
const TOOLS = [SYSTEM_PROFILER, SW_VERS, SOFTWAREUPDATE].map((t) => path.join(ROOT, t));

const collectors = [
  macosHardwareCollector,
  createMacosOsCollector({ host: () => ({ hostname: 'alices-mbp', kernel: '23.4.0', arch: 'arm64' }) }),
  macosAppsCollector,
  homebrewCollector,
  homebrewCaskCollector,
  createSoftwareUpdateCollector({ now: () => new Date('2024-06-04T08:00:00Z') }),
] as readonly Collector[];

function outputs(apps: FakeOutput): Record<string, FakeOutput> {
  return {
    [key(SYSTEM_PROFILER, HARDWARE_ARGS)]: read('macos-hardware/fixtures/macbook-pro-m3-pro-sonoma-14.5.json'),
    [key(SYSTEM_PROFILER, APPLICATIONS_ARGS)]: apps,
    [key(SW_VERS, [])]: 'ProductName:\t\tmacOS\nProductVersion:\t\t14.4.1\nBuildVersion:\t\t23E224\n',
    [key(SYSCTL, BOOT_TIME_ARGS)]: read('macos-os/fixtures/macbook-pro-m3-sonoma-14.5-kern.boottime.txt'),
    [key(DEFAULTS, LAST_SCAN_ARGS)]: '2024-06-04 03:12:09 +0000\n',
    [key('/usr/bin/sw_vers', OS_VERSION_ARGS)]: '14.4.1\n',
    [key(SOFTWAREUPDATE, LIST_CACHED_ARGS)]: {
      stdout: read('macos-softwareupdate/fixtures/macbook-pro-m3-sonoma-14.4.1.stdout.txt'),
      stderr: read('macos-softwareupdate/fixtures/macbook-pro-m3-sonoma-14.4.1.stderr.txt'),
      exitCode: 0,
    },
  };
}

async function snapshotWith(apps: FakeOutput) {
  const { ctx } = fakeContext(outputs(apps), {
    root: ROOT,
    exists: (p) =>
      TOOLS.includes(p)
        ? Promise.resolve(true)
        : access(p).then(
            () => true,
            () => false,
          ),
  });
  return collectSnapshot({ collectors, ctx, agent: { version: '0.0.0-test' } });
}

describe('macOS collectors in a snapshot', () => {
  it('produce sections the contract accepts, with identity from the hardware', async () => {
    const snapshot = await snapshotWith(read('macos-apps/fixtures/macbook-pro-m3-sonoma-14.5.json'));
    const validation = validateSnapshot(snapshot);
    expect(validation.ok ? [] : validation.errors).toEqual([]);

    const { hardware, os, software, patches } = snapshot.sections;
    expect([hardware.status, os.status, software.status, patches.status]).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(snapshot.identity).toMatchObject({
      hostname: 'alices-mbp',
      hardwareSerial: 'K7QW3X9R2F',
      hardwareUuid: '8d4c2e4a-3b51-5f0e-9c7d-2a6b1e0f4c93',
    });
    expect(os.data).toMatchObject({ version: '14.4.1', codename: 'Sonoma', lastBoot: '2024-06-03T07:33:20.000Z' });
    const bySource = (source: string) => software.data?.filter((i) => i.source === source).length;
    expect([bySource('app_bundle'), bySource('homebrew'), bySource('homebrew_cask')]).toEqual([15, 9, 5]);
    expect(patches.data).toMatchObject({ pendingCount: 4, pendingSecurityCount: 1 });
  });

  it('marks software partial and names app_bundle when system_profiler times out', async () => {
    const snapshot = await snapshotWith(timeoutError(SYSTEM_PROFILER, APPLICATIONS_ARGS));
    expect(validateSnapshot(snapshot).ok).toBe(true);
    const { software } = snapshot.sections;
    expect(software.status).toBe('partial');
    expect(software.failedSources).toEqual(['app_bundle']);
    expect(software.reason).toContain('SPApplicationsDataType -json -detailLevel mini timed out');
    expect(new Set(software.data?.map((i) => i.source))).toEqual(new Set(['homebrew', 'homebrew_cask']));
  });
});
