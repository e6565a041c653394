import type { SoftwareItem } from '@stocktake/shared';
import { dpkgItem } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import { type InstalledSoftware, planSoftware, softwareChanges } from './software-diff.ts';

const installed = (
  softwareId: number,
  name: string,
  version: string,
  over: Partial<InstalledSoftware> = {},
): InstalledSoftware => ({
  softwareId,
  source: 'dpkg',
  name,
  arch: 'amd64',
  version,
  installDate: null,
  installLocation: null,
  ...over,
});

const current = (...rows: InstalledSoftware[]) => new Map(rows.map((r) => [r.softwareId, r]));
const wanted = (...items: [number, SoftwareItem][]) => new Map(items);

describe('planning a device software rows', () => {
  it('adds what came, removes what went, names an upgrade once, and updates a moved install in place', () => {
    const plan = planSoftware(
      current(
        installed(1, 'curl', '7.88.1'),
        installed(2, 'vim', '9.0'),
        installed(3, 'git', '2.39', { installDate: '2024-01-01' }),
      ),
      wanted(
        [4, dpkgItem('curl', '8.5.0')],
        [3, { ...dpkgItem('git', '2.39'), installDate: '2024-02-02' }],
        [5, dpkgItem('jq', '1.7')],
      ),
      new Set(),
      false,
    );
    expect(plan.added.map((a) => a.id)).toEqual([4, 5]);
    expect(plan.moved).toEqual([{ softwareId: 3, installDate: '2024-02-02', installLocation: null }]);
    expect(plan.removed.map((r) => r.softwareId)).toEqual([1, 2]);
    expect(plan.total).toBe(3);
    expect(plan.drafts).toEqual([
      { kind: 'software_installed', subject: 'jq', softwareAfter: 5 },
      { kind: 'software_removed', subject: 'vim', softwareBefore: 2 },
      { kind: 'software_upgraded', subject: 'curl', softwareBefore: 1, softwareAfter: 4 },
    ]);
  });

  it('keeps the packages of a source that failed this time', () => {
    const plan = planSoftware(
      current(installed(1, 'firefox', '120', { source: 'snap', arch: '' }), installed(2, 'vim', '9.0')),
      wanted(),
      new Set(['snap']),
      false,
    );
    expect(plan.removed.map((r) => r.name)).toEqual(['vim']);
    expect(plan.total).toBe(1);
  });

  it('writes a baseline without naming a change per package', () => {
    const plan = planSoftware(
      current(),
      wanted([1, dpkgItem('curl', '8.5.0')], [2, dpkgItem('vim', '9.1')]),
      new Set(),
      true,
    );
    expect(plan.added).toHaveLength(2);
    expect(plan.drafts).toEqual([]);
  });
});

describe('naming software changes', () => {
  it('pairs versions kept side by side in version order, counting the surplus as installs or removals', () => {
    const changes = softwareChanges(
      [installed(1, 'linux-image', '6.1.0-25'), installed(2, 'linux-image', '6.1.0-26')],
      [
        { id: 3, source: 'dpkg', name: 'linux-image', arch: 'amd64', version: '6.1.0-27' },
        { id: 4, source: 'dpkg', name: 'linux-image', arch: 'amd64', version: '6.1.0-28' },
        { id: 5, source: 'dpkg', name: 'linux-image', arch: 'amd64', version: '6.1.0-29' },
      ],
    );
    expect(changes.upgraded.map((u) => [u.from.id, u.to.id])).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(changes.installed.map((s) => s.id)).toEqual([5]);
    expect(changes.removed).toEqual([]);
  });

  it('treats another architecture as another package', () => {
    const changes = softwareChanges(
      [installed(1, 'libc6', '2.36', { arch: 'i386' })],
      [{ id: 2, source: 'dpkg', name: 'libc6', arch: 'amd64', version: '2.37' }],
    );
    expect(changes.upgraded).toEqual([]);
    expect(changes.installed.map((s) => s.id)).toEqual([2]);
    expect(changes.removed.map((s) => s.id)).toEqual([1]);
  });
});
