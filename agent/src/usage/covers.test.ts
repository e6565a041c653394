import type { SoftwareSource, UsageSourceState } from '@stocktake/shared/core';
import { describe, expect, it } from 'vitest';
import { macosLastUsedUsage } from '../collectors/macos-lastused/index.ts';
import { macosInstalledSoftware, macosProcessSource } from '../collectors/macos-processes/index.ts';
import { packageAtimeUsage } from '../collectors/package-atime/index.ts';
import { rpmAtimeUsage } from '../collectors/rpm-atime/index.ts';
import { testContext } from '../collectors/test-context.ts';
import { windowsBamUsage } from '../collectors/windows-bam/index.ts';
import { windowsPrefetchUsage } from '../collectors/windows-prefetch/index.ts';
import { windowsInstalledSoftware, windowsProcessSource } from '../collectors/windows-processes/index.ts';
import { collectUsage, usageContext } from './collect-usage.ts';
import { PackageIndex } from './package-index.ts';
import { procSource } from './process-source.ts';
import type { UsageCollector } from './types.ts';

/**
 * Each usage source says which software sources its silence speaks for: the collector counts an
 * item never seen used as unused only through a source that could have seen it.
 */

// A machine with nothing on it: no package lists, no Prefetch files, empty command output.
const empty = usageContext(
  testContext({
    listDir: async () => [],
    readFile: async () => '',
    exists: async () => false,
    run: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
  }),
  () => new Date('2026-12-07T12:00:00Z'),
);

describe('the software sources each usage source covers', () => {
  const cases: [UsageCollector, SoftwareSource[]][] = [
    [packageAtimeUsage, ['dpkg']],
    [rpmAtimeUsage, ['rpm']],
    [macosLastUsedUsage, ['app_bundle']],
    [windowsBamUsage, ['registry']],
    [windowsPrefetchUsage, ['registry']],
  ];
  it.each(cases.map(([collector, covers]) => [collector.name, collector, covers] as const))(
    '%s',
    async (_, collector, covers) => {
      const { source } = await collector.collect(empty, []);
      expect(source.covers).toEqual(covers);
    },
  );

  it('process sampling: dpkg and rpm on Linux, app bundles on macOS, programs and packaged apps on Windows', () => {
    expect(procSource({ ctx: empty, index: new PackageIndex(empty) }).covers).toEqual(['dpkg', 'rpm']);
    expect(macosProcessSource(empty, macosInstalledSoftware()).covers).toEqual(['app_bundle']);
    expect(windowsProcessSource(empty, windowsInstalledSoftware()).covers).toEqual(['registry', 'appx']);
  });
});

describe('collectUsage with covers', () => {
  const source = (state: UsageSourceState): UsageCollector => ({
    name: `fake-${state.via}-${state.covers?.join('-') ?? 'all'}`,
    platforms: ['linux'],
    detect: async () => true,
    collect: async () => ({ source: state, entries: [] }),
  });

  it('states what sampling covers, and makes two sources of one via one covering what either covers', async () => {
    const usage = await collectUsage({
      collectors: [
        source({ via: 'atime', since: '2025-01-01', covers: ['rpm'] }),
        source({ via: 'atime', since: '2024-03-01', covers: ['dpkg'] }),
      ],
      ctx: empty,
      software: [],
      seen: { since: '2026-12-01', entries: [], covers: ['dpkg', 'rpm'] },
    });
    expect(usage.sources).toEqual([
      { via: 'atime', since: '2024-03-01', covers: ['dpkg', 'rpm'] },
      { via: 'process', since: '2026-12-01', covers: ['dpkg', 'rpm'] },
    ]);
  });

  it('lets a source without covers (every software source) make the pair cover everything', async () => {
    const usage = await collectUsage({
      collectors: [
        source({ via: 'atime', since: '2024-03-01', covers: ['dpkg'] }),
        source({ via: 'atime', since: '2025-01-01' }),
      ],
      ctx: empty,
      software: [],
    });
    expect(usage.sources).toEqual([{ via: 'atime', since: '2024-03-01' }]);
  });
});
