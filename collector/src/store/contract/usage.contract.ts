import { expect, it } from 'vitest';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import type { SoftwareUsage } from '../../domain/usage/ports.ts';
import { deviceReporting } from './inventory-support.ts';

const DAY1 = new Date('2026-11-22T12:00:00Z');
const DAY2 = new Date('2026-11-23T12:00:00Z');

/** Software use and logins per device: full reports replace, changes merge, a day never goes back. */
type OpenUsage = () => Promise<{
  inventory: Pick<DeviceInventory, 'ingestSnapshot'>;
  usage: SoftwareUsage;
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
}
