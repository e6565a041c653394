import {
  DeltaMismatchError,
  type FieldError,
  patchSoftware,
  RESYNC_PROBLEM_TYPE,
  SECTION_NAMES,
  type SectionName,
  type Snapshot,
  type SnapshotDelta,
  type SoftwareItem,
  sectionHash,
} from '@stocktake/shared';
import type { SectionState } from '../../../db/schema/index.ts';
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

type AnySection = { status: string; data?: unknown; hash?: string } & Record<string, unknown>;

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
  function rebuild(delta: SnapshotDelta, base: Record<string, SectionState>) {
    const sections: Record<string, AnySection> = {};
    const hashes: Partial<Record<SectionName, string>> = {};
    const errors: FieldError[] = [];
    for (const name of SECTION_NAMES) {
      const change = delta.sections[name];
      const was = base[name];
      // The base has data for a section only when its status there was not `failed`.
      const baseHash = was && was.status !== 'failed' ? was.hash : undefined;
      const { change: kind, ...envelope } = change;
      if (kind === 'unchanged') {
        if (baseHash === undefined || baseHash !== change.hash) {
          throw new ResyncNeeded(`/sections/${name}/hash: says ${name} is unchanged, but the base ${name} differs`);
        }
        sections[name] = { ...envelope, hash: change.hash };
        hashes[name] = change.hash;
        continue;
      }
      let data: unknown;
      if (change.change === 'patched') {
        const baseData = baseHash === undefined ? undefined : store.sectionData(name, baseHash);
        if (baseData === undefined)
          throw new ResyncNeeded(`/sections/${name}: patches ${name}, which the base does not have`);
        try {
          data = patchSoftware(baseData as SoftwareItem[], change);
        } catch (err) {
          if (err instanceof DeltaMismatchError) throw new ResyncNeeded(`${err.path}: ${err.message}`);
          throw err;
        }
      } else {
        data = change.data;
      }
      const { added: _a, changed: _c, removed: _r, data: _d, hash: declared, ...rest } = envelope as AnySection;
      if (data === undefined) {
        if (change.status !== 'failed') {
          errors.push({ path: `/sections/${name}/data`, message: `is required when status is ${change.status}` });
        }
        sections[name] = rest;
        continue;
      }
      const hash = sectionHash(name, data);
      if (declared !== undefined && declared !== hash) {
        throw new ResyncNeeded(`/sections/${name}/hash: ${name} comes out as ${hash}, not ${declared}`);
      }
      sections[name] = { ...rest, hash, data };
      hashes[name] = hash;
    }
    if (errors.length > 0) throw new InvalidDelta(errors);
    const snapshot = {
      contractVersion: delta.contractVersion,
      kind: 'full',
      snapshotId: delta.snapshotId,
      agent: delta.agent,
      collectedAt: delta.collectedAt,
      identity: delta.identity,
      sections,
    } as unknown as Snapshot;
    return { snapshot, hashes };
  }

  return {
    ingest(
      agent: AgentRow,
      delta: SnapshotDelta,
      now = new Date(),
      options: { sizeBytes?: number } = {},
    ): IngestResult {
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
      const { snapshot, hashes } = rebuild(delta, device.sectionStatus);
      return devicesRepository.ingest(agent, snapshot, hashes, now, options);
    },
  };
}

export type DeltaIngest = ReturnType<typeof createDeltaIngest>;
