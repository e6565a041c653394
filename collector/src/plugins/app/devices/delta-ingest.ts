import {
  applyDelta,
  DeltaMismatchError,
  type FieldError,
  RESYNC_PROBLEM_TYPE,
  SECTION_NAMES,
  type SectionName,
  type SnapshotDelta,
} from '@stocktake/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open-database.ts';
import { devices, snapshots } from '../../../db/schema/index.ts';
import type { AgentRow } from '../agents/agents-repository.ts';
import type { DevicesRepository, IngestResult } from './devices-repository.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** The delta's base is not what this collector holds for the device: the agent must send a full snapshot. */
export class ResyncNeeded extends Error {
  readonly type = RESYNC_PROBLEM_TYPE;
  constructor(detail: string) {
    super(detail);
    this.name = 'ResyncNeeded';
  }
}

/** A delta that applies but leaves a section without the data its status promises. */
export class InvalidDelta extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path} ${e.message}`).join('; '));
    this.name = 'InvalidDelta';
  }
}

/**
 * Ingests a delta by rebuilding the full snapshot it describes on the device's last stored
 * snapshot (the raw store never prunes a device's latest), then handing that to the ordinary
 * ingest, which writes only what differs from the stored state (an unchanged software hash
 * writes no software rows). All of it runs synchronously, so nothing else touches the device
 * between the base check and the write.
 */
export function createDeltaIngest(db: Db, devicesRepository: DevicesRepository, store: SnapshotStore) {
  function alreadyStored(snapshotId: string): string | undefined {
    return db
      .select({ deviceId: devices.id })
      .from(snapshots)
      .innerJoin(devices, eq(devices.key, snapshots.deviceKey))
      .where(eq(snapshots.id, snapshotId))
      .get()?.deviceId;
  }

  return {
    ingest(
      agent: AgentRow,
      delta: SnapshotDelta,
      now = new Date(),
      options: { sizeBytes?: number } = {},
    ): IngestResult {
      // A resend of a delta already stored is acknowledged again, whatever came after it.
      const seenOn = alreadyStored(delta.snapshotId);
      if (seenOn) return { deviceId: seenOn, duplicate: true, softwareAdded: 0, softwareRemoved: 0, changes: 0 };

      const device = agent.deviceId ? devicesRepository.get(agent.deviceId) : undefined;
      if (!device || device.agentId !== agent.id) {
        throw new ResyncNeeded('This collector has no device for this agent yet; send a full snapshot.');
      }
      if (device.lastSnapshotId !== delta.baseSnapshotId) {
        throw new ResyncNeeded(
          `The device's last snapshot here is ${device.lastSnapshotId ?? 'none'}, not ${delta.baseSnapshotId}; send a full snapshot.`,
        );
      }
      const base = store.read(delta.baseSnapshotId);
      if (!base) throw new ResyncNeeded(`Snapshot ${delta.baseSnapshotId} is no longer stored; send a full snapshot.`);
      let snapshot: ReturnType<typeof applyDelta>;
      try {
        snapshot = applyDelta(base, delta);
      } catch (err) {
        if (err instanceof DeltaMismatchError) throw new ResyncNeeded(`${err.path}: ${err.message}`);
        throw err;
      }
      const errors: FieldError[] = [];
      const hashes: Partial<Record<SectionName, string>> = {};
      for (const name of SECTION_NAMES) {
        const section = snapshot.sections[name];
        if (section.hash !== undefined) hashes[name] = section.hash;
        if (section.status !== 'failed' && section.data === undefined) {
          errors.push({ path: `/sections/${name}/data`, message: `is required when status is ${section.status}` });
        }
      }
      if (errors.length > 0) throw new InvalidDelta(errors);
      return devicesRepository.ingest(agent, snapshot, hashes, now, options);
    },
  };
}

export type DeltaIngest = ReturnType<typeof createDeltaIngest>;
