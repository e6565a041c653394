import { diffSnapshot, type Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { expect, it } from 'vitest';
import type { ReportingAgent } from '../../domain/inventory/device-resolution.ts';
import { ResyncNeeded } from '../../domain/inventory/errors.ts';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';

const ENROLLED = '2026-01-01T00:00:00.000Z';

/** An agent as ingest sees it; it learns its device from the first acknowledgement. */
const agentNamed = (id: string): ReportingAgent => ({ id, deviceId: null, enrolledAt: ENROLLED });

/** What the contract exercises: ingest and the device's reads (an engine may not have adopt, merge, delete yet). */
type Ingesting = {
  inventory: Pick<
    DeviceInventory,
    'ingestSnapshot' | 'ingestDelta' | 'device' | 'software' | 'components' | 'recentChanges'
  >;
};

async function push(stores: Ingesting, agent: ReportingAgent, snapshot: Snapshot) {
  const result = await stores.inventory.ingestSnapshot(agent, snapshot, computeSectionHashes(snapshot).hashes);
  agent.deviceId = result.deviceId;
  return result;
}

const spec = (over: SnapshotSpec = {}): SnapshotSpec => ({
  agentId: 'agent-1',
  hostname: 'ws-0001',
  serial: 'CZC1234XYZ',
  uuid: '4c4c4544-0042-3510-8052-b4c04f4d3232',
  macs: ['3c:22:fb:7a:19:c4'],
  software: [dpkgItem('curl', '7.88.1'), dpkgItem('vim', '9.0')],
  ...over,
});

/** The device inventory: what an ingest stores, what it names as changed, what it refuses. */
export default function inventoryContract(open: () => Promise<Ingesting>): void {
  it('stores a snapshot and reads the device back, with its software, parts and first sighting', async () => {
    const stores = await open();
    const agent = agentNamed('agent-1');
    const snapshot = makeSnapshot(spec());
    const result = await push(stores, agent, snapshot);
    expect(result).toMatchObject({ duplicate: false, softwareAdded: 2, softwareRemoved: 0, changes: 1 });
    const device = await stores.inventory.device(result.deviceId);
    expect(device).toMatchObject({
      id: result.deviceId,
      agentId: 'agent-1',
      hostname: 'ws-0001',
      hardwareSerial: 'CZC1234XYZ',
      softwareCount: 2,
      lastSnapshotId: snapshot.snapshotId,
      os: snapshot.sections.os.data,
    });
    expect(device?.sections.software?.hash).toBe(snapshot.sections.software.hash);
    expect((await stores.inventory.software(result.deviceId)).map((s) => `${s.name} ${s.version}`)).toEqual([
      'curl 7.88.1',
      'vim 9.0',
    ]);
    expect(await stores.inventory.components(result.deviceId)).toEqual([
      expect.objectContaining({ kind: 'nic', key: 'serial:3c:22:fb:7a:19:c4' }),
    ]);
    expect((await stores.inventory.recentChanges(result.deviceId, 20)).map((c) => c.kind)).toEqual(['first_seen']);
  });

  it('acknowledges the same snapshot id again as a duplicate, writing nothing', async () => {
    const stores = await open();
    const agent = agentNamed('agent-1');
    const snapshot = makeSnapshot(spec());
    const first = await push(stores, agent, snapshot);
    const again = await push(stores, agent, snapshot);
    expect(again).toEqual({
      deviceId: first.deviceId,
      duplicate: true,
      softwareAdded: 0,
      softwareRemoved: 0,
      changes: 0,
    });
    expect(await stores.inventory.recentChanges(first.deviceId, 20)).toHaveLength(1);
  });

  it('records a changed package as upgraded, a new one as installed and a gone one as removed, newest first', async () => {
    const stores = await open();
    const agent = agentNamed('agent-1');
    const { deviceId } = await push(stores, agent, makeSnapshot(spec()));
    const next = makeSnapshot(spec({ software: [dpkgItem('curl', '8.5.0'), dpkgItem('jq', '1.7')] }));
    expect(await push(stores, agent, next)).toMatchObject({ softwareAdded: 2, softwareRemoved: 2, changes: 3 });
    const changes = await stores.inventory.recentChanges(deviceId, 20);
    expect(changes.map((c) => [c.kind, c.subject])).toEqual([
      ['software_upgraded', 'curl'],
      ['software_removed', 'vim'],
      ['software_installed', 'jq'],
      ['first_seen', 'ws-0001'],
    ]);
    expect(changes[0]).toMatchObject({
      before: { source: 'dpkg', name: 'curl', arch: 'amd64', version: '7.88.1' },
      after: { source: 'dpkg', name: 'curl', arch: 'amd64', version: '8.5.0' },
      snapshotId: next.snapshotId,
      observedAt: next.collectedAt,
    });
    expect(await stores.inventory.recentChanges(deviceId, 1)).toHaveLength(1);
  });

  it('stores a delta against the last snapshot, and asks for a resync against any other base', async () => {
    const stores = await open();
    const agent = agentNamed('agent-1');
    const base = makeSnapshot(spec());
    const { deviceId } = await push(stores, agent, base);
    const next = makeSnapshot(spec({ software: [dpkgItem('curl', '7.88.1'), dpkgItem('vim', '9.1')] }));
    const result = await stores.inventory.ingestDelta(agent, diffSnapshot(base, next));
    expect(result).toMatchObject({ deviceId, duplicate: false, changes: 1 });
    expect((await stores.inventory.software(deviceId)).map((s) => s.version)).toEqual(['7.88.1', '9.1']);
    const stale = diffSnapshot(base, makeSnapshot(spec()));
    await expect(stores.inventory.ingestDelta(agent, stale)).rejects.toBeInstanceOf(ResyncNeeded);
    await expect(stores.inventory.ingestDelta(agentNamed('agent-2'), stale)).rejects.toBeInstanceOf(ResyncNeeded);
  });

  it('puts a reinstalled machine (same serial and UUID, new agent) on its device, naming the agent replaced', async () => {
    const stores = await open();
    const { deviceId } = await push(stores, agentNamed('agent-1'), makeSnapshot(spec()));
    const reinstalled = await push(stores, agentNamed('agent-2'), makeSnapshot(spec({ agentId: 'agent-2' })));
    expect(reinstalled.deviceId).toBe(deviceId);
    expect((await stores.inventory.device(deviceId))?.agentId).toBe('agent-2');
    expect((await stores.inventory.recentChanges(deviceId, 1))[0]).toMatchObject({
      kind: 'agent_replaced',
      before: 'agent-1',
      after: 'agent-2',
    });
  });

  it('knows nothing of a device it never stored', async () => {
    const stores = await open();
    expect(await stores.inventory.device('no-such-device')).toBeUndefined();
    expect(await stores.inventory.software('no-such-device')).toEqual([]);
    expect(await stores.inventory.components('no-such-device')).toEqual([]);
    expect(await stores.inventory.recentChanges('no-such-device', 20)).toEqual([]);
  });
}
