import type { Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { HandoverRule, ReportingAgent } from '../../domain/inventory/device-resolution.ts';
import { EnrolmentBlocked } from '../../domain/inventory/errors.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';
import { createRegisterService } from '../../domain/register/register-service.ts';
import type { OpenFollowing } from './open-ports.ts';

/** The ports the contract exercises. */
type Following = Awaited<
  ReturnType<
    OpenFollowing<'inventory' | 'agents' | 'assets' | 'audit' | 'deviceLinks' | 'identityConflicts' | 'enrolmentBlocks'>
  >
>;

const SERIAL = 'CZC1234XYZ';
const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);
/** A short window, so the tests can step past it. */
const RULE: HandoverRule = { silenceMs: 10 * HOUR, minReports: 3 };

const spec = (agentId: string, over: SnapshotSpec = {}): SnapshotSpec => ({
  agentId,
  hostname: 'ws-0001',
  serial: SERIAL,
  uuid: '4c4c4544-0042-3510-8052-b4c04f4d3232',
  macs: ['3c:22:fb:7a:19:c4'],
  software: [dpkgItem('curl', '7.88.1')],
  ...over,
});

/** An enrolled agent as ingest sees it; it learns its device from each acknowledgement. */
async function enrolled(stores: Following, hostname: string, hours: number): Promise<ReportingAgent> {
  const { agentId } = await stores.agents.enrol({ hostname, version: '0.1.0', platform: 'linux' }, at(hours));
  return { id: agentId, deviceId: null, enrolledAt: at(hours).toISOString() };
}

async function push(stores: Following, agent: ReportingAgent, hours: number, snapshot?: Snapshot) {
  const sent = snapshot ?? makeSnapshot(spec(agent.id));
  const result = await stores.inventory.ingestSnapshot(agent, sent, computeSectionHashes(sent).hashes, {
    receivedAt: at(hours),
    handover: RULE,
  });
  agent.deviceId = result.deviceId;
  return { ...result, snapshotId: sent.snapshotId };
}

/** A device followed by a live agent, and a newer agent that reports the same hardware. */
async function claimed(stores: Following) {
  const victim = await enrolled(stores, 'ws-0001', 0);
  const { deviceId } = await push(stores, victim, 0);
  const claimant = await enrolled(stores, 'ws-0001', 1);
  const first = await push(stores, claimant, 1);
  return { victim, claimant, deviceId, claimantDevice: first.deviceId, firstSnapshot: first.snapshotId };
}

/**
 * Device claims: a device moves to a newer agent reporting its hardware only by evidence (the
 * old agent revoked, or silent past the window while the new one kept reporting) or by a person.
 */
export default function deviceClaimsContract(
  open: OpenFollowing<
    'inventory' | 'agents' | 'assets' | 'audit' | 'deviceLinks' | 'identityConflicts' | 'enrolmentBlocks'
  >,
): void {
  it('gives a new agent claiming a followed device’s serial and UUID its own device, and opens a claim', async () => {
    const stores = await open();
    const { victim, claimant, deviceId, claimantDevice } = await claimed(stores);
    expect(claimantDevice).not.toBe(deviceId);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(victim.id);
    expect((await stores.inventory.device(claimantDevice))?.agentId).toBe(claimant.id);
    expect((await stores.agents.get(claimant.id))?.claimedDeviceId).toBe(deviceId);
    const claim = { kind: 'claimed_identity', value: SERIAL, deviceIds: [deviceId, claimantDevice], assetIds: [] };
    expect(await stores.identityConflicts.ofDevice(deviceId)).toContainEqual(claim);
    expect(await stores.identityConflicts.ofDevice(claimantDevice)).toContainEqual(claim);
    expect(await stores.identityConflicts.all()).toContainEqual(claim);
  });

  it('moves the device once its old agent is silent past the window and the new one kept reporting', async () => {
    const stores = await open();
    const { claimant, deviceId, claimantDevice, firstSnapshot } = await claimed(stores);
    expect((await push(stores, claimant, 2)).deviceId).toBe(claimantDevice);
    expect((await push(stores, claimant, 5)).deviceId).toBe(claimantDevice);
    const moved = await push(stores, claimant, 11);
    expect(moved.deviceId).toBe(deviceId);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(claimant.id);
    expect(await stores.inventory.device(claimantDevice)).toBeUndefined();
    expect((await stores.agents.get(claimant.id))?.claimedDeviceId).toBeNull();
    expect(await stores.snapshotArchive.deviceOf(firstSnapshot)).toBe(deviceId);
    expect((await stores.identityConflicts.all()).filter((c) => c.kind === 'claimed_identity')).toEqual([]);
    expect((await stores.inventory.recentChanges(deviceId, 5)).map((c) => c.kind)).toContain('agent_replaced');
  });

  it('keeps a clone (same serial and UUID, other NICs) a separate device with a cloned_machine conflict, never moving the original', async () => {
    const stores = await open();
    const asset = await createRegisterService(stores.assets).create(
      { assetTag: 'LT-1', serial: SERIAL },
      {},
      { actor: 'ops-admin' },
    );
    const original = await enrolled(stores, 'ws-0001', 0);
    const { deviceId } = await push(stores, original, 0);
    expect(await stores.deviceLinks.linkOf(deviceId)).toMatchObject({ assetId: asset.id, method: 'serial' });
    const changesBefore = await stores.inventory.recentChanges(deviceId, 50);
    const clone = await enrolled(stores, 'ws-0001-clone', 1);
    const cloned = (hours: number) =>
      push(
        stores,
        clone,
        hours,
        makeSnapshot(spec(clone.id, { hostname: 'ws-0001-clone', macs: ['00:50:56:aa:00:02'] })),
      );
    const cloneDevice = (await cloned(1)).deviceId;
    expect(cloneDevice).not.toBe(deviceId);
    const conflict = {
      kind: 'cloned_machine',
      value: SERIAL,
      deviceIds: [deviceId, cloneDevice],
      assetIds: [asset.id],
    };
    expect(await stores.identityConflicts.ofDevice(deviceId)).toContainEqual(conflict);
    expect(await stores.identityConflicts.all()).toContainEqual(conflict);
    expect((await stores.agents.get(clone.id))?.claimedDeviceId).toBe(deviceId);
    // The original falls silent for days while the clone keeps reporting: nothing moves.
    for (const hours of [2, 5, 30, 60]) expect((await cloned(hours)).deviceId).toBe(cloneDevice);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(original.id);
    expect(await stores.inventory.recentChanges(deviceId, 50)).toEqual(changesBefore);
    expect((await push(stores, original, 61)).deviceId).toBe(deviceId);
    expect(await stores.identityConflicts.all()).toContainEqual(conflict);
    // A second clone of the same machine claims the original too, not the first clone.
    const another = await enrolled(stores, 'ws-0001-clone2', 62);
    const second = await push(
      stores,
      another,
      62,
      makeSnapshot(spec(another.id, { hostname: 'ws-0001-clone2', macs: ['00:50:56:aa:00:03'] })),
    );
    expect((await stores.identityConflicts.ofDevice(second.deviceId)).map((c) => [c.kind, c.deviceIds])).toContainEqual(
      ['cloned_machine', [deviceId, second.deviceId]],
    );
    // The serial names three machines now; the original keeps its asset by the MACs discovery filled in.
    expect((await stores.deviceLinks.linkOf(deviceId))?.assetId).toBe(asset.id);
    expect((await stores.deviceLinks.linkOf(cloneDevice))?.assetId ?? null).toBeNull();
  });

  it('continues the device for a reinstall (same NICs, new agent) once the old agent is silent past the window', async () => {
    const stores = await open();
    const old = await enrolled(stores, 'ws-0001', 0);
    const { deviceId } = await push(stores, old, 0);
    const reinstalled = await enrolled(stores, 'ws-0001', 12);
    const interim = (await push(stores, reinstalled, 12)).deviceId;
    expect(interim).not.toBe(deviceId);
    expect((await stores.identityConflicts.ofDevice(deviceId)).map((c) => c.kind)).toContain('claimed_identity');
    expect((await push(stores, reinstalled, 13)).deviceId).toBe(interim);
    expect((await push(stores, reinstalled, 14)).deviceId).toBe(deviceId);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(reinstalled.id);
    expect((await stores.identityConflicts.all()).map((c) => c.kind)).not.toContain('claimed_identity');
  });

  it('keeps the claim open while the old agent reports, or when it reported after the new one started', async () => {
    const stores = await open();
    const { victim, claimant, deviceId, claimantDevice } = await claimed(stores);
    await push(stores, victim, 2);
    for (const hours of [3, 4, 20, 30]) expect((await push(stores, claimant, hours)).deviceId).toBe(claimantDevice);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(victim.id);
  });

  it('moves the device at once when its agent was revoked with re-enrolment allowed, never when blocked', async () => {
    const stores = await open();
    const old = await enrolled(stores, 'ws-0001', 0);
    const { deviceId } = await push(stores, old, 0);
    await stores.agents.revokeAsAdmin(old.id, 'ops-admin', { allowReenrolment: true });
    const reinstalled = await enrolled(stores, 'ws-0001', 1);
    expect((await push(stores, reinstalled, 1)).deviceId).toBe(deviceId);

    const revocation = await stores.agents.revokeAsAdmin(reinstalled.id, 'ops-admin');
    expect(revocation.block).toMatchObject({ kind: 'device', value: deviceId, createdBy: 'ops-admin' });
    const again = await enrolled(stores, 'ws-0001', 2);
    await expect(push(stores, again, 2)).rejects.toBeInstanceOf(EnrolmentBlocked);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(reinstalled.id);
  });

  it('never moves a blocked device by evidence, and refuses snapshots reporting a blocked serial', async () => {
    const stores = await open();
    const { claimant, deviceId, claimantDevice } = await claimed(stores);
    await stores.enrolmentBlocks.block({ kind: 'device', value: deviceId }, 'ops-admin');
    for (const hours of [2, 5, 30]) expect((await push(stores, claimant, hours)).deviceId).toBe(claimantDevice);

    const block = await stores.enrolmentBlocks.block({ kind: 'serial', value: ' czc9999 ' }, 'ops-admin');
    expect(block).toMatchObject({ kind: 'serial', value: 'CZC9999' });
    const stranger = await enrolled(stores, 'ws-0009', 30);
    const blocked = makeSnapshot(
      spec(stranger.id, { serial: 'CZC9999', uuid: '4c4c4544-0000-0000-0000-000000000009' }),
    );
    await expect(push(stores, stranger, 30, blocked)).rejects.toBeInstanceOf(EnrolmentBlocked);
    await stores.enrolmentBlocks.allow(block.id, 'ops-admin');
    expect((await push(stores, stranger, 31, blocked)).duplicate).toBe(false);
  });

  it('refuses a snapshot id another agent used, without naming its device', async () => {
    const stores = await open();
    const owner = await enrolled(stores, 'ws-0001', 0);
    const first = await push(stores, owner, 0);
    const other = await enrolled(stores, 'ws-0002', 1);
    const reused = { ...makeSnapshot(spec(other.id, { serial: 'CZC0002' })), snapshotId: first.snapshotId };
    const refusal = await push(stores, other, 1, reused).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(ConflictError);
    expect(String((refusal as Error).message)).not.toContain(first.deviceId);
    expect(other.deviceId).toBeNull();
    const resend = { ...makeSnapshot(spec(owner.id)), snapshotId: first.snapshotId };
    expect(await push(stores, owner, 2, resend)).toMatchObject({ deviceId: first.deviceId, duplicate: true });
  });

  it('lets an admin adopt the claimed device for the new agent, merging the one it had, audited', async () => {
    const stores = await open();
    const { victim, claimant, deviceId, claimantDevice, firstSnapshot } = await claimed(stores);
    const adoption = await stores.inventory.adopt(deviceId, claimant.id, 'ops-admin', at(2));
    expect(adoption).toEqual({
      deviceId,
      agentId: claimant.id,
      replacedAgentId: victim.id,
      mergedDeviceId: claimantDevice,
    });
    expect((await stores.inventory.device(deviceId))?.agentId).toBe(claimant.id);
    expect(await stores.inventory.device(claimantDevice)).toBeUndefined();
    expect(await stores.snapshotArchive.deviceOf(firstSnapshot)).toBe(deviceId);
    expect(await stores.agents.get(claimant.id)).toMatchObject({ deviceId, claimedDeviceId: null });
    expect((await stores.audit.history('device', deviceId))[0]).toMatchObject({
      actor: 'ops-admin',
      action: 'adopt',
      before: { agentId: victim.id },
      after: { agentId: claimant.id },
    });
    claimant.deviceId = deviceId;
    expect((await push(stores, claimant, 3)).deviceId).toBe(deviceId);

    await expect(stores.inventory.adopt(deviceId, claimant.id, 'ops-admin')).rejects.toBeInstanceOf(ConflictError);
    await expect(stores.inventory.adopt('no-such-device', claimant.id, 'ops-admin')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await stores.agents.revoke(victim.id);
    await expect(stores.inventory.adopt(deviceId, victim.id, 'ops-admin')).rejects.toBeInstanceOf(NotFoundError);
  });
}
