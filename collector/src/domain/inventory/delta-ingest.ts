import {
  applyDeltaTo,
  DeltaMismatchError,
  type FieldError,
  RESYNC_PROBLEM_TYPE,
  SECTION_NAMES,
  type SectionName,
  type Snapshot,
  type SnapshotDelta,
} from '@stocktake/shared';
import type { DevicesRepository, IngestResult } from '../../store/sqlite/devices/devices-repository.ts';
import type { SnapshotStore } from '../../store/sqlite/devices/snapshot-store.ts';
import type { SectionState } from '../../store/sqlite/schema/index.ts';
import type { Agent } from '../access/ports.ts';

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
 * Ingests a delta against the device's stored state, reading only what the delta does not
 * carry. An `unchanged` section is checked against the hash the device's last snapshot had for
 * it and is not read at all: the ordinary ingest keeps the device's columns and rows as they
 * are and the stored snapshot points at the section data already held. A `patched` software
 * list is applied to the base's list, read by its hash; a `replaced` section brings its data.
 * Everything runs synchronously, so nothing else touches the device between the checks and the
 * writes.
 */
export function createDeltaIngest(devicesRepository: DevicesRepository, store: SnapshotStore) {
  /** The snapshot the delta describes; sections it says are unchanged carry their hash but no data. */
  function rebuild(delta: SnapshotDelta, baseId: string, base: Record<string, SectionState>) {
    // The base has data for a section only when its status there was not `failed`.
    const hashOf = (name: SectionName) => {
      const was = base[name];
      return was && was.status !== 'failed' ? was.hash : undefined;
    };
    let snapshot: Snapshot;
    try {
      snapshot = applyDeltaTo(
        {
          snapshotId: baseId,
          hashOf,
          dataOf: (name) => {
            const hash = hashOf(name);
            return hash === undefined ? undefined : store.sectionData(name, hash);
          },
        },
        delta,
        () => undefined,
      );
    } catch (err) {
      if (err instanceof DeltaMismatchError) throw new ResyncNeeded(`${err.path}: ${err.message}`);
      throw err;
    }
    const errors: FieldError[] = [];
    const hashes: Partial<Record<SectionName, string>> = {};
    for (const name of SECTION_NAMES) {
      const section = snapshot.sections[name];
      if (section.hash !== undefined) hashes[name] = section.hash;
      const carried = section.data !== undefined || delta.sections[name].change === 'unchanged';
      if (section.status !== 'failed' && !carried) {
        errors.push({ path: `/sections/${name}/data`, message: `is required when status is ${section.status}` });
      }
    }
    if (errors.length > 0) throw new InvalidDelta(errors);
    return { snapshot, hashes };
  }

  return {
    ingest(agent: Agent, delta: SnapshotDelta, now = new Date(), options: { sizeBytes?: number } = {}): IngestResult {
      // A resend of a delta already stored is acknowledged again, whatever came after it.
      const seenOn = devicesRepository.deviceOfSnapshot(delta.snapshotId);
      if (seenOn) return { deviceId: seenOn, duplicate: true, softwareAdded: 0, softwareRemoved: 0, changes: 0 };

      const device = agent.deviceId ? devicesRepository.state(agent.deviceId) : undefined;
      if (!device || device.agentId !== agent.id) {
        throw new ResyncNeeded('This collector has no device for this agent yet; send a full snapshot.');
      }
      if (device.lastSnapshotId !== delta.baseSnapshotId) {
        throw new ResyncNeeded(
          `The device's last snapshot here is ${device.lastSnapshotId ?? 'none'}, not ${delta.baseSnapshotId}; send a full snapshot.`,
        );
      }
      const { snapshot, hashes } = rebuild(delta, device.lastSnapshotId, device.sectionStatus);
      return devicesRepository.ingest(agent, snapshot, hashes, now, options);
    },
  };
}

export type DeltaIngest = ReturnType<typeof createDeltaIngest>;
