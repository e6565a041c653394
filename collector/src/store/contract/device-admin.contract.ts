import type { Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ReportingAgent } from '../../domain/inventory/device-resolution.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';
import { createRegisterService } from '../../domain/register/register-service.ts';
import type { OpenFollowing } from './open-ports.ts';

/** The ports the contract exercises. */
type Following = Awaited<
  ReturnType<OpenFollowing<'inventory' | 'agents' | 'assets' | 'audit' | 'deviceLinks' | 'identityConflicts'>>
>;

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);

/** A VM without a serial or UUID: each enrolment is a new device, as re-enrolled VMs pile up. */
const vm = (agentId: string, over: SnapshotSpec = {}): SnapshotSpec => ({
  agentId,
  hostname: 'vm-build-01',
  macs: ['3c:22:fb:7a:19:c4'],
  software: [dpkgItem('curl', '7.88.1')],
  ...over,
});

async function enrolled(stores: Following, hostname: string, hours: number): Promise<ReportingAgent> {
  const { agentId } = await stores.agents.enrol({ hostname, version: '0.1.0', platform: 'linux' }, at(hours));
  return { id: agentId, deviceId: null, enrolledAt: at(hours).toISOString() };
}

/** A snapshot from the agent; like a real agent, it reports on the device the collector bound it to. */
async function push(stores: Following, agent: ReportingAgent, hours: number, spec: SnapshotSpec = {}) {
  agent.deviceId = (await stores.agents.get(agent.id))?.deviceId ?? null;
  const sent: Snapshot = makeSnapshot(vm(agent.id, spec));
  const result = await stores.inventory.ingestSnapshot(agent, sent, computeSectionHashes(sent).hashes, {
    receivedAt: at(hours),
  });
  return { ...result, snapshotId: sent.snapshotId };
}

/** Merging and deleting devices: what an admin does with duplicates and machines gone for good. */
export default function deviceAdminContract(
  open: OpenFollowing<'inventory' | 'agents' | 'assets' | 'audit' | 'deviceLinks' | 'identityConflicts'>,
): void {
  it('merges a duplicate into a device: both histories kept, its agent reporting on the survivor, audited on both', async () => {
    const stores = await open();
    const register = createRegisterService(stores.assets);
    const old = await enrolled(stores, 'vm-build-01', 0);
    const first = await push(stores, old, 0);
    await push(stores, old, 1, { software: [dpkgItem('curl', '7.88.1'), dpkgItem('jq', '1.6')] });
    const again = await enrolled(stores, 'vm-build-01', 30);
    const duplicate = await push(stores, again, 30);
    expect(duplicate.deviceId).not.toBe(first.deviceId);
    const asset = await register.create({ assetTag: 'VM-1' }, {}, { actor: 'ops-admin' });
    await stores.deviceLinks.linkManually(duplicate.deviceId, asset.id, 'ops-admin');

    const merged = await stores.inventory.merge(first.deviceId, duplicate.deviceId, 'ops-admin', at(31));
    expect(merged).toEqual({
      deviceId: first.deviceId,
      mergedDeviceId: duplicate.deviceId,
      agentId: again.id,
      agentIds: [again.id],
      snapshots: 1,
      changes: 1,
      linkMoved: true,
    });
    expect(await stores.inventory.device(duplicate.deviceId)).toBeUndefined();
    expect((await stores.inventory.device(first.deviceId))?.agentId).toBe(again.id);
    expect(await stores.snapshotArchive.deviceOf(duplicate.snapshotId)).toBe(first.deviceId);
    expect(await stores.snapshotArchive.deviceOf(first.snapshotId)).toBe(first.deviceId);
    const kinds = (await stores.inventory.recentChanges(first.deviceId, 20)).map((c) => c.kind);
    expect(kinds[0]).toBe('device_merged');
    expect(kinds.filter((k) => k === 'first_seen')).toHaveLength(2);
    expect(kinds).toContain('software_installed');
    expect(await stores.deviceLinks.linkOf(first.deviceId)).toMatchObject({ assetId: asset.id, method: 'manual' });
    for (const id of [first.deviceId, duplicate.deviceId]) {
      expect((await stores.audit.history('device', id))[0]).toMatchObject({ actor: 'ops-admin', action: 'merge' });
    }
    expect((await push(stores, again, 32)).deviceId).toBe(first.deviceId);
    expect((await stores.agents.get(again.id))?.deviceId).toBe(first.deviceId);
  });

  it('keeps the survivor on its own agent when that one reported last; the other, still reporting, is split off with a claim', async () => {
    const stores = await open();
    const first = await enrolled(stores, 'vm-build-01', 0);
    const { deviceId } = await push(stores, first, 0);
    const second = await enrolled(stores, 'vm-build-01', 1);
    const duplicate = (await push(stores, second, 1)).deviceId;
    await push(stores, first, 2);
    const merged = await stores.inventory.merge(deviceId, duplicate, 'ops-admin', at(3));
    expect(merged).toMatchObject({ agentId: first.id, agentIds: [second.id] });
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(first.id);

    const split = (await push(stores, second, 4)).deviceId;
    expect([deviceId, duplicate]).not.toContain(split);
    expect(await stores.identityConflicts.ofDevice(deviceId)).toContainEqual({
      kind: 'claimed_identity',
      value: deviceId,
      deviceIds: [deviceId, split],
      assetIds: [],
    });
    expect((await push(stores, first, 5)).deviceId).toBe(deviceId);
  });

  it('refuses a merge into itself or with an unknown device, changing nothing', async () => {
    const stores = await open();
    const agent = await enrolled(stores, 'vm-build-01', 0);
    const { deviceId } = await push(stores, agent, 0);
    await expect(stores.inventory.merge(deviceId, deviceId, 'ops-admin')).rejects.toBeInstanceOf(ValidationError);
    await expect(stores.inventory.merge(deviceId, 'no-such-device', 'ops-admin')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(stores.inventory.merge('no-such-device', deviceId, 'ops-admin')).rejects.toBeInstanceOf(NotFoundError);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(agent.id);
    expect(await stores.audit.history('device', deviceId)).toEqual([]);
  });

  it('deletes a device with its history and link, keeps the audit entry, and takes a returning machine as new', async () => {
    const stores = await open();
    const register = createRegisterService(stores.assets);
    const agent = await enrolled(stores, 'ws-0001', 0);
    const spec = { hostname: 'ws-0001', serial: 'CZC1234XYZ', uuid: '4c4c4544-0042-3510-8052-b4c04f4d3232' };
    const first = await push(stores, agent, 0, spec);
    await push(stores, agent, 1, spec);
    const asset = await register.create({ assetTag: 'LT-1' }, {}, { actor: 'ops-admin' });
    await stores.deviceLinks.linkManually(first.deviceId, asset.id, 'ops-admin');
    // A clone's open claim on it goes with it.
    const clone = await enrolled(stores, 'ws-0001-clone', 2);
    const cloned = await push(stores, clone, 2, { ...spec, macs: ['00:50:56:aa:00:02'] });
    expect((await stores.agents.get(clone.id))?.claimedDeviceId).toBe(first.deviceId);

    const deletion = await stores.inventory.delete(first.deviceId, 'ops-admin', at(3));
    expect(deletion).toEqual({
      deviceId: first.deviceId,
      hostname: 'ws-0001',
      agentIds: [agent.id],
      snapshots: 2,
      unlinkedAssetId: asset.id,
      blocksLifted: 0,
    });
    expect(await stores.inventory.device(first.deviceId)).toBeUndefined();
    expect(await stores.snapshotArchive.deviceOf(first.snapshotId)).toBeUndefined();
    expect(await stores.deviceLinks.linkOf(first.deviceId)).toBeUndefined();
    expect(await stores.agents.get(agent.id)).toMatchObject({ deviceId: null, claimedDeviceId: null });
    expect((await stores.agents.get(clone.id))?.claimedDeviceId).toBeNull();
    expect((await stores.identityConflicts.ofDevice(cloned.deviceId)).map((c) => c.kind)).not.toContain(
      'cloned_machine',
    );
    expect((await stores.audit.history('device', first.deviceId))[0]).toMatchObject({
      actor: 'ops-admin',
      action: 'delete',
      before: { hostname: 'ws-0001', agentId: agent.id, link: { assetId: asset.id, method: 'manual' } },
    });

    const back = await push(stores, agent, 4, spec);
    expect(back.deviceId).not.toBe(first.deviceId);
    expect(back.duplicate).toBe(false);
    expect((await stores.inventory.recentChanges(back.deviceId, 5)).map((c) => c.kind)).toEqual(['first_seen']);
    await expect(stores.inventory.delete(first.deviceId, 'ops-admin')).rejects.toBeInstanceOf(NotFoundError);
  });
}
