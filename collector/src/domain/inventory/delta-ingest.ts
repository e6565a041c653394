import {
  applyDeltaTo,
  DeltaMismatchError,
  type FieldError,
  SECTION_NAMES,
  type SectionName,
  type Snapshot,
  type SnapshotDelta,
} from '@stocktake/shared';
import type { SectionStates } from './device-changes.ts';
import { pushRefused, ResyncNeeded } from './errors.ts';

/** What the collector holds of the device a delta is told against. */
export interface DeltaBase {
  /** The agent the device follows. */
  agentId: string | null;
  lastSnapshotId: string | null;
  sectionStates: SectionStates;
}

/** Reads a section's data as stored under its hash (the snapshot archive keeps each once). */
export type SectionDataReader = (name: SectionName, hash: string) => unknown;

/**
 * The snapshot a delta describes, rebuilt against the device's stored state, reading only what
 * the delta does not carry. An `unchanged` section is checked against the hash the device's
 * last snapshot had for it and is not read at all: ingest keeps the device's columns and rows
 * as they are and the stored snapshot points at the section data already held. A `patched`
 * software list is applied to the base's list, read by its hash; a `replaced` section brings
 * its data. The caller runs this inside the ingest's transaction, so nothing else touches the
 * device between these checks and the writes.
 *
 * Throws ResyncNeeded when the base is not what the collector holds (the agent must send a full
 * snapshot), and a ValidationError when the delta leaves a section without the data its status
 * promises.
 */
export function snapshotFromDelta(
  agentId: string,
  delta: SnapshotDelta,
  device: DeltaBase | undefined,
  dataOf: SectionDataReader,
): { snapshot: Snapshot; hashes: Partial<Record<SectionName, string>> } {
  if (!device || device.agentId !== agentId) {
    throw new ResyncNeeded('This collector has no device for this agent yet; send a full snapshot.');
  }
  if (device.lastSnapshotId !== delta.baseSnapshotId) {
    throw new ResyncNeeded(
      `The device's last snapshot here is ${device.lastSnapshotId ?? 'none'}, not ${delta.baseSnapshotId}; send a full snapshot.`,
    );
  }
  const base = device.sectionStates;
  // The base has data for a section only when its status there was not `failed`.
  const hashOf = (name: SectionName) => {
    const was = base[name];
    return was && was.status !== 'failed' ? was.hash : undefined;
  };
  let snapshot: Snapshot;
  try {
    snapshot = applyDeltaTo(
      {
        snapshotId: delta.baseSnapshotId,
        hashOf,
        dataOf: (name) => {
          const hash = hashOf(name);
          return hash === undefined ? undefined : dataOf(name, hash);
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
  if (errors.length > 0) throw pushRefused('Delta sections are inconsistent', errors);
  return { snapshot, hashes };
}
