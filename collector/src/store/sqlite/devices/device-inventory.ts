import type { SectionName, Snapshot, SnapshotDelta } from '@stocktake/shared';
import { eq } from 'drizzle-orm';
import { snapshotFromDelta } from '../../../domain/inventory/delta-ingest.ts';
import type { ReportingAgent } from '../../../domain/inventory/device-resolution.ts';
import type {
  Device,
  DeviceInventory,
  IngestOptions,
  IngestResult,
  SnapshotArchive,
} from '../../../domain/inventory/ports.ts';
import { runList } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { deviceChanges } from '../schema/index.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { createChangeList } from './change-list.ts';
import type { DeviceAdmin } from './device-admin.ts';
import type { DeviceRow, DevicesRepository } from './devices-repository.ts';
import type { SnapshotStore } from './snapshot-store.ts';

const DUPLICATE = { duplicate: true, softwareAdded: 0, softwareRemoved: 0, changes: 0 } as const;

/** The options the repository's ingest takes, without the undefined ones. */
const ingestOptions = (options: IngestOptions) => ({
  ...(options.sizeBytes === undefined ? {} : { sizeBytes: options.sizeBytes }),
  ...(options.handover === undefined ? {} : { handover: options.handover }),
});

/** The device row as the domain names it: the sections' states, no internal key. */
function deviceOf(row: DeviceRow): Device {
  const { key: _key, sectionStatus, hardware, os, patches, users, ...rest } = row;
  return {
    ...rest,
    sections: sectionStatus,
    hardware: hardware as Device['hardware'],
    os: os as Device['os'],
    patches: patches as Device['patches'],
    users: users as Device['users'],
  };
}

/**
 * The DeviceInventory port over SQLite. An ingest is one unit of the write batcher's group
 * commit: queued synchronously (so ingests apply in call order), run synchronously inside the
 * batch's transaction (the device's previous state is read, compared by the domain's change
 * detection and written in one savepoint), and answered once the batch has committed. One
 * promise per ingest; nothing per package.
 */
export function createDeviceInventory(
  db: Db,
  devicesRepository: DevicesRepository,
  snapshotStore: SnapshotStore,
  writeBatcher: WriteBatcher,
  admin: DeviceAdmin,
): DeviceInventory {
  const changes = createChangeList(db);
  const keyOf = (deviceId: string) => devicesRepository.keyOf(deviceId);

  return {
    ingestSnapshot(
      agent: ReportingAgent,
      snapshot: Snapshot,
      hashes: Partial<Record<SectionName, string>>,
      options: IngestOptions = {},
    ): Promise<IngestResult> {
      const now = options.receivedAt ?? new Date();
      return writeBatcher.submit(() => devicesRepository.ingest(agent, snapshot, hashes, now, ingestOptions(options)));
    },

    ingestDelta(agent: ReportingAgent, delta: SnapshotDelta, options: IngestOptions = {}): Promise<IngestResult> {
      const now = options.receivedAt ?? new Date();
      return writeBatcher.submit(() => {
        // A resend of a delta already stored is acknowledged again, whatever came after it.
        const seenOn = devicesRepository.deviceOfResend(delta.snapshotId, agent.id);
        if (seenOn) return { deviceId: seenOn, ...DUPLICATE };
        const state = agent.deviceId ? devicesRepository.state(agent.deviceId) : undefined;
        const base = state && {
          agentId: state.agentId,
          lastSnapshotId: state.lastSnapshotId,
          sectionStates: state.sectionStatus,
        };
        const { snapshot, hashes } = snapshotFromDelta(agent.id, delta, base, (name, hash) =>
          snapshotStore.sectionData(name, hash),
        );
        return devicesRepository.ingest(agent, snapshot, hashes, now, ingestOptions(options));
      });
    },

    adopt(deviceId, agentId, actor, now = new Date()) {
      return writeBatcher.submit(() => devicesRepository.adopt(deviceId, agentId, actor, now));
    },

    merge(deviceId, mergedId, actor, now = new Date()) {
      return writeBatcher.submit(() => admin.merge(deviceId, mergedId, actor, now));
    },

    delete(deviceId, actor, now = new Date()) {
      return writeBatcher.submit(() => admin.delete(deviceId, actor, now));
    },

    async device(id) {
      const row = devicesRepository.get(id);
      return row && deviceOf(row);
    },

    async software(deviceId) {
      const key = keyOf(deviceId);
      return key === undefined ? [] : devicesRepository.software(key);
    },

    async components(deviceId) {
      const key = keyOf(deviceId);
      return key === undefined ? [] : devicesRepository.components(key);
    },

    async recentChanges(deviceId, limit) {
      const key = keyOf(deviceId);
      if (key === undefined) return [];
      return runList(changes, { limit, sort: '-id', filters: {}, base: [eq(deviceChanges.deviceKey, key)] }).items;
    },
  };
}

/** The SnapshotArchive port over SQLite. */
export function createSnapshotArchive(
  devicesRepository: DevicesRepository,
  snapshotStore: SnapshotStore,
): SnapshotArchive {
  return {
    read: async (snapshotId) => snapshotStore.read(snapshotId),
    deviceOf: async (snapshotId) => devicesRepository.deviceOfSnapshot(snapshotId),
    pruneBatch: async (cutoff) => snapshotStore.pruneBatch(cutoff),
    thinBatch: async (cutoff, afterKey) => snapshotStore.thinBatch(cutoff, afterKey),
  };
}
