import type { SoftwareItem, UsageEntry, UsageSourceState } from '@stocktake/shared';
import { expect, it } from 'vitest';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import type { Listers } from '../../domain/lists/ports.ts';
import { usageCutoffs } from '../../domain/usage/classify.ts';
import type { SoftwareUsage } from '../../domain/usage/ports.ts';
import { deviceReporting } from './inventory-support.ts';

const DAY1 = new Date('2026-11-22T12:00:00Z');
const DAY2 = new Date('2026-11-23T12:00:00Z');

/** Software use and logins per device: full reports replace, changes merge, a day never goes back. */
type OpenUsage = () => Promise<{
  inventory: Pick<DeviceInventory, 'ingestSnapshot'>;
  usage: SoftwareUsage;
  lists: Pick<Listers, 'software' | 'whoHas'>;
  close(): Promise<void>;
}>;

export default function usageContract(open: OpenUsage): void {
  it('replaces on a full report, merges changes keeping the later day, and keeps each source’s earliest since', async () => {
    const stores = await open();
    const a = await deviceReporting(stores, 'agent-u1', { hostname: 'ws-u1', serial: 'U1' });
    const b = await deviceReporting(stores, 'agent-u2', { hostname: 'ws-u2', serial: 'U2' });
    expect(await stores.usage.ofDevices([a, 'nope'])).toEqual([
      { deviceId: a, sources: null, entries: [] },
      { deviceId: 'nope', sources: null, entries: [] },
    ]);
    await stores.usage.record(
      a,
      {
        kind: 'full',
        sources: [
          { via: 'process', since: '2026-11-01' },
          { via: 'atime', since: '2024-01-10' },
        ],
        entries: [
          { source: 'dpkg', name: 'gimp', arch: 'amd64', lastUsed: '2026-11-20', via: 'atime' },
          { source: 'dpkg', name: 'gimp', arch: 'amd64', user: 'alice', lastUsed: '2026-11-21', via: 'process' },
          { source: 'dpkg', name: 'zoom', lastUsed: '2026-10-02', via: 'atime' },
        ],
      },
      DAY1,
    );
    await stores.usage.record(
      a,
      {
        kind: 'changes',
        sources: [
          { via: 'atime', since: '2024-02-01' },
          { via: 'process', since: '2026-11-02' },
        ],
        entries: [
          { source: 'dpkg', name: 'gimp', arch: 'amd64', lastUsed: '2026-11-19', via: 'process' },
          { source: 'dpkg', name: 'zoom', lastUsed: '2026-11-23', via: 'process' },
          { source: 'dpkg', name: 'vlc', arch: 'amd64', user: 'bob', lastUsed: '2026-11-23', via: 'process' },
        ],
      },
      DAY2,
    );
    await stores.usage.record(b, { kind: 'changes' }, DAY2);
    expect(await stores.usage.ofDevices([a, b, a])).toEqual([
      {
        deviceId: a,
        sources: [
          { via: 'atime', since: '2024-01-10' },
          { via: 'process', since: '2026-11-01' },
        ],
        entries: [
          { source: 'dpkg', name: 'gimp', arch: 'amd64', lastUsed: '2026-11-20', via: 'atime' },
          { source: 'dpkg', name: 'gimp', arch: 'amd64', user: 'alice', lastUsed: '2026-11-21', via: 'process' },
          { source: 'dpkg', name: 'vlc', arch: 'amd64', user: 'bob', lastUsed: '2026-11-23', via: 'process' },
          { source: 'dpkg', name: 'zoom', lastUsed: '2026-11-23', via: 'process' },
        ],
      },
      { deviceId: b, sources: null, entries: [] },
    ]);
    // A full report without usage (metering turned off): nothing is known any more.
    await stores.usage.record(a, { kind: 'full' }, DAY2);
    expect(await stores.usage.ofDevices([a])).toEqual([{ deviceId: a, sources: null, entries: [] }]);
    await stores.close();
  });

  it('keeps the latest login and whether sessions are open; an unknown device is ignored', async () => {
    const stores = await open();
    const a = await deviceReporting(stores, 'agent-u3', { hostname: 'ws-u3', serial: 'U3' });
    await stores.usage.record('no-such-device', { kind: 'full', sources: [] }, DAY1);
    expect(await stores.usage.activity()).toEqual([]);
    await stores.usage.record(
      a,
      { kind: 'full', logins: { sessionsOpen: true, lastLoginAt: '2026-11-22T08:00:00.000Z', lastLoginUser: 'alice' } },
      DAY1,
    );
    await stores.usage.record(
      a,
      { kind: 'changes', logins: { sessionsOpen: false, lastLoginAt: null, lastLoginUser: null } },
      DAY2,
    );
    expect(await stores.usage.activity()).toEqual([
      { deviceId: a, sessionsOpen: false, lastLoginAt: '2026-11-22T08:00:00.000Z', lastLoginUser: 'alice' },
    ]);
    await stores.close();
  });

  it('counts each catalogue entry’s installs by class, and who-has keeps the devices with an install of one class', async () => {
    const stores = await open();
    const now = new Date('2026-12-07T12:00:00Z');
    // Defaults: used within 30 days, unused after 90; each case sits on a boundary.
    const cutoffs = usageCutoffs({ usage: { usedWithinDays: 30, unusedAfterDays: 90 } }, now);
    const gimp = (version: string): SoftwareItem => ({ source: 'dpkg', name: 'gimp', version, arch: 'amd64' });
    const use = (lastUsed: string, more: Partial<UsageEntry> = {}): UsageEntry => ({
      source: 'dpkg',
      name: 'gimp',
      arch: 'amd64',
      lastUsed,
      via: 'process',
      ...more,
    });
    const longAgo = [{ via: 'atime' as const, since: '2024-01-01' }];
    const cases: [string, string, UsageEntry[], { via: 'atime'; since: string }[] | null][] = [
      // 30 days ago by alice, an older use by nobody named: used.
      ['a-used', '2.10', [use('2026-11-07', { user: 'alice' }), use('2026-05-01')], longAgo],
      ['b-rarely', '2.10', [use('2026-09-08')], longAgo], // 90 days ago
      // 91 days ago; the i386 build's recent use is another item's.
      ['c-unused', '2.10', [use('2026-09-07'), use('2026-12-06', { arch: 'i386' })], longAgo],
      ['d-never-covered', '2.10', [], [{ via: 'atime', since: '2026-09-07' }]], // sources speak for 91 days
      ['e-never-new', '2.10', [], [{ via: 'atime', since: '2026-09-08' }]], // for 90 only
      ['f-no-metering', '2.8', [], null],
    ];
    for (const [hostname, version, entries, sources] of cases) {
      const id = await deviceReporting(stores, `agent-${hostname}`, {
        hostname,
        serial: hostname,
        software: [gimp(version)],
      });
      if (sources) await stores.usage.record(id, { kind: 'full', sources, entries }, now);
    }
    const catalogue = await stores.lists.software.list({ filters: { name: 'gimp' }, sort: 'version', limit: 10 });
    const [v210, v28] = catalogue.items.map((i) => i.id);
    expect(catalogue.items.map((i) => i.version)).toEqual(['2.10', '2.8']);
    expect(await stores.usage.catalogueUse([v28 ?? -1, v210 ?? -1, 999_999], cutoffs)).toEqual([
      { softwareId: v28, used: 0, rarelyUsed: 0, unused: 0, unknown: 1 },
      { softwareId: v210, used: 1, rarelyUsed: 1, unused: 2, unknown: 1 },
      { softwareId: 999_999, used: 0, rarelyUsed: 0, unused: 0, unknown: 0 },
    ]);
    expect(await stores.usage.catalogueUse([], cutoffs)).toEqual([]);
    const whoHas = async (cls: 'used' | 'rarely_used' | 'unused' | 'unknown', limit = 10) =>
      (
        await stores.lists.whoHas.list({
          filters: {},
          sort: 'hostname',
          limit,
          software: { name: 'gimp' },
          usage: { class: cls, cutoffs },
        })
      ).items.map((d) => d.hostname);
    expect(await whoHas('used')).toEqual(['a-used']);
    expect(await whoHas('rarely_used')).toEqual(['b-rarely']);
    expect(await whoHas('unused')).toEqual(['c-unused', 'd-never-covered']);
    expect(await whoHas('unknown')).toEqual(['e-never-new', 'f-no-metering']);
    await stores.close();
  });

  it('lets only the sources that cover an install’s software source speak for it', async () => {
    const stores = await open();
    const now = new Date('2026-12-07T12:00:00Z');
    const cutoffs = usageCutoffs({ usage: { usedWithinDays: 30, unusedAfterDays: 90 } }, now);
    const software: SoftwareItem[] = [
      { source: 'app_bundle', name: 'Pages', version: '14.2', installLocation: '/Applications/Pages.app' },
      { source: 'homebrew', name: 'git', version: '2.47.1', installLocation: '/opt/homebrew/Cellar/git/2.47.1' },
    ];
    // Process sampling for 200 days, blind to formulae typed in a shell.
    const sampled = { via: 'process' as const, since: '2026-05-21', covers: ['app_bundle' as const] };
    const cases: [string, UsageSourceState[]][] = [
      ['mac-a-sampled', [sampled]],
      // A source that sees formulae, but only for 10 days: the older source still cannot speak for git.
      ['mac-b-young', [sampled, { via: 'atime', since: '2026-11-27', covers: ['homebrew', 'app_bundle'] }]],
      // A source without covers sees everything, as an older agent's did.
      ['mac-c-everything', [{ via: 'process', since: '2026-05-21' }]],
    ];
    const ids: string[] = [];
    for (const [hostname, sources] of cases) {
      const id = await deviceReporting(stores, `agent-${hostname}`, { hostname, serial: hostname, software });
      await stores.usage.record(id, { kind: 'full', sources, entries: [] }, now);
      ids.push(id);
    }
    expect((await stores.usage.ofDevices(ids.slice(0, 2))).map((d) => d.sources)).toEqual([
      [sampled],
      [{ via: 'atime', since: '2026-11-27', covers: ['app_bundle', 'homebrew'] }, sampled],
    ]);
    const entryOf = async (name: string) =>
      (await stores.lists.software.list({ filters: { name }, sort: 'version', limit: 10 })).items[0]?.id ?? -1;
    const [pages, git] = [await entryOf('Pages'), await entryOf('git')];
    expect(await stores.usage.catalogueUse([pages, git], cutoffs)).toEqual([
      { softwareId: pages, used: 0, rarelyUsed: 0, unused: 3, unknown: 0 },
      { softwareId: git, used: 0, rarelyUsed: 0, unused: 1, unknown: 2 },
    ]);
    const whoHas = async (name: string, cls: 'unused' | 'unknown') =>
      (
        await stores.lists.whoHas.list({
          filters: {},
          sort: 'hostname',
          limit: 10,
          software: { name },
          usage: { class: cls, cutoffs },
        })
      ).items.map((d) => d.hostname);
    expect(await whoHas('git', 'unknown')).toEqual(['mac-a-sampled', 'mac-b-young']);
    expect(await whoHas('git', 'unused')).toEqual(['mac-c-everything']);
    expect(await whoHas('Pages', 'unused')).toEqual(['mac-a-sampled', 'mac-b-young', 'mac-c-everything']);
    await stores.close();
  });
}
