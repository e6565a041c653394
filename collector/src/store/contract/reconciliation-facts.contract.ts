import type { SoftwareItem } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/findings/policies.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';
import { licenseCompliance, presentDevices } from '../../domain/licenses/compliance.ts';
import { createLicenseService } from '../../domain/licenses/license-service.ts';
import { poolKey } from '../../domain/licenses/positions.ts';
import type { OpenStores } from '../../domain/ports.ts';
import { createRegisterService } from '../../domain/register/register-service.ts';
import { deviceReporting } from './inventory-support.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const by = { actor: 'contract' };
const item = (name: string, version: string): SoftwareItem => ({ name, version, source: 'registry', publisher: 'P' });

/**
 * The facts reconciliation reads. Devices, assets and licenses come in through the inventory and
 * register ports; on a fresh store every fact is empty and matching has nothing to do.
 */
export default function reconciliationFactsContract(open: OpenStores): void {
  it('reads empty facts from a fresh store, and matching finds nothing to link', async () => {
    const stores = await open();
    const { facts } = stores;
    expect(await facts.matchAll(NOW)).toEqual({ devices: 0, changed: 0, linked: 0 });
    await expect(facts.trackSecurityPending()).resolves.toBeUndefined();
    expect(await facts.devices()).toEqual([]);
    expect(await facts.assets()).toEqual([]);
    expect(await facts.conflicts()).toEqual([]);
    expect(await facts.hardwareRemovals(new Date(0).toISOString())).toEqual([]);
    const steps: string[] = [];
    expect(await facts.licenses(new Map(), (step) => steps.push(step))).toEqual([]);
    expect(steps).toEqual(['license_match']);
    expect(await facts.coverage(['deployed'], NOW.toISOString())).toEqual({ inUse: 0, seen: 0 });
    await stores.close();
  });

  it('reads devices, their asset, the last contact, license usage and installs as they were put in', async () => {
    const stores = await open();
    const { facts } = stores;
    const at = new Date(Date.now() - 60_000);
    const linked = await deviceReporting(stores, 'agent-1', {
      hostname: 'ws-a',
      serial: 'CZC1',
      software: [item('Office', '16'), item('Editor', '2')],
      patches: { pendingCount: 3, pendingSecurityCount: 2 },
      users: { loggedIn: [], lastLoggedIn: { user: 'alice' } },
      at,
    });
    const alone = await deviceReporting(stores, 'agent-2', {
      hostname: 'ws-b',
      serial: 'CZC2',
      software: [item('Office', '16'), item('Office', '15')],
      users: { loggedIn: [], lastLoggedIn: { user: 'bob' } },
      at,
    });
    const asset = await createRegisterService(stores.assets).create(
      { assetTag: 'LT-1', serial: 'CZC1', status: 'deployed' },
      {},
      by,
    );
    await createRegisterService(stores.assets).create({ assetTag: 'LT-2', status: 'deployed' }, {}, by);
    const office = await createLicenseService(stores.licenses).create({ product: 'Office', seats: 1 }, by);

    expect(await facts.matchAll(new Date())).toMatchObject({ devices: 2, linked: 1 });
    await facts.trackSecurityPending();
    const devices = [...(await facts.devices())].sort((a, b) => (a.hostname < b.hostname ? -1 : 1));
    expect(devices).toMatchObject([
      {
        id: linked,
        hostname: 'ws-a',
        serial: 'CZC1',
        pendingUpdates: 3,
        pendingSecurityUpdates: 2,
        trackedSecuritySince: at.toISOString(),
        assetId: asset.id,
        assetTag: 'LT-1',
        assetSerial: 'CZC1',
      },
      { id: alone, hostname: 'ws-b', pendingSecurityUpdates: 0, trackedSecuritySince: null, assetId: null },
    ]);
    const seen = devices[0]?.lastSeenAt;
    const assets = [...(await facts.assets())].sort((a, b) => (a.assetTag < b.assetTag ? -1 : 1));
    expect(assets).toMatchObject([
      { id: asset.id, assetTag: 'LT-1', status: 'deployed', lastDeviceId: linked, lastDeviceHostname: 'ws-a' },
      { assetTag: 'LT-2', status: 'deployed', lastDeviceId: null, lastDeviceHostname: null, lastSeenAt: null },
    ]);
    expect(assets[0]?.lastSeenAt).toBe(seen);
    expect(await facts.coverage(['deployed'], new Date(0).toISOString())).toEqual({ inUse: 2, seen: 1 });
    expect(await facts.coverage(['in_stock'], new Date(0).toISOString())).toEqual({ inUse: 0, seen: 0 });

    const now = new Date();
    const present = presentDevices(devices, defaultPolicy(), now);
    expect(await facts.licenses(present)).toMatchObject([
      { key: poolKey(office), product: 'Office', metric: 'per_device', used: 2 },
    ]);
    const compliance = await licenseCompliance(facts.installs, office, [office], defaultPolicy(), now);
    expect(compliance.matchedVersions).toBe(2);
    expect(compliance.usage).toMatchObject({ seats: 1, used: 2, devices: 2, users: 2, state: 'over' });
    expect(compliance.counted.map((c) => [c.key, c.user, c.devices[0]?.software])).toEqual(
      [
        [linked, 'alice', ['Office 16']],
        [alone, 'bob', ['Office 15', 'Office 16']],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
    await stores.close();
  });

  it('reads the latest removal of each component since a time, with the part now under its key', async () => {
    const stores = await open();
    const at = new Date(Date.now() - 60_000);
    const small = { name: 'nvme0n1', model: 'A', sizeBytes: 256_000_000_000 };
    const deviceId = await deviceReporting(stores, 'agent-1', {
      hostname: 'ws-a',
      hardware: { disks: [small, { name: 'sda', serial: 'S-OLD', model: 'X' }] },
      at,
    });
    const later = new Date(at.getTime() + 1000);
    // The disk in the same slot is another one (a swap); the one with a serial is gone.
    const snapshot = makeSnapshot({
      agentId: 'agent-1',
      hostname: 'ws-a',
      hardware: { disks: [{ name: 'nvme0n1', model: 'B', sizeBytes: 512_000_000_000 }] },
      at: later,
    });
    await stores.inventory.ingestSnapshot(
      { id: 'agent-1', deviceId, enrolledAt: '2026-01-01T00:00:00.000Z' },
      snapshot,
      computeSectionHashes(snapshot).hashes,
    );
    const removals = [...(await stores.facts.hardwareRemovals(at.toISOString()))].sort((a, b) =>
      a.subject < b.subject ? -1 : 1,
    );
    expect(removals).toEqual([
      {
        deviceKey: expect.any(Number),
        deviceId,
        hostname: 'ws-a',
        kind: 'disk',
        key: 'name:nvme0n1',
        subject: 'disk nvme0n1',
        removed: { kind: 'disk', key: 'name:nvme0n1', label: 'nvme0n1', model: 'A', sizeBytes: 256_000_000_000 },
        observedAt: later.toISOString(),
        current: { kind: 'disk', key: 'name:nvme0n1', label: 'nvme0n1', model: 'B', sizeBytes: 512_000_000_000 },
      },
      {
        deviceKey: expect.any(Number),
        deviceId,
        hostname: 'ws-a',
        kind: 'disk',
        key: 'serial:S-OLD',
        subject: 'disk sda',
        removed: { kind: 'disk', key: 'serial:S-OLD', label: 'sda', serial: 'S-OLD', model: 'X' },
        observedAt: later.toISOString(),
        current: null,
      },
    ]);
    expect(await stores.facts.hardwareRemovals(new Date(later.getTime() + 1).toISOString())).toEqual([]);
    await stores.close();
  });
}
