import {
  applyDeltaTo,
  DeltaMismatchError,
  type DeltaSection,
  SECTION_NAMES,
  type SectionName,
  type Snapshot,
  type SnapshotDelta,
  sectionHash,
} from '@stocktake/shared/core';

type AnySection = Snapshot['sections'][SectionName];

/** Why a section a rebuilt snapshot could not recover has no data. */
export const LOST_SECTION_REASON = 'lost with a damaged entry of the agent outbox';

function hashOf(snapshot: Snapshot, name: SectionName): string | undefined {
  const section = snapshot.sections[name] as { hash?: string; data?: unknown };
  if (section.data === undefined) return undefined;
  return section.hash ?? sectionHash(name, section.data);
}

/** A base with nothing: enough for a section the delta carries whole. */
const NO_BASE: Snapshot | undefined = undefined;

/** The delta with every section but `name` reduced to an empty envelope, so only `name` is applied. */
function onlySection(delta: SnapshotDelta, name: SectionName): SnapshotDelta {
  const sections = {} as Record<SectionName, DeltaSection>;
  for (const other of SECTION_NAMES) {
    sections[other] =
      other === name
        ? delta.sections[other]
        : ({ change: 'replaced', status: 'failed', collectedAt: delta.collectedAt, durationMs: 0 } as DeltaSection);
  }
  return { ...delta, sections: sections as SnapshotDelta['sections'] };
}

/** Section `name` of the snapshot `delta` describes, built on `base`; undefined when the hashes disagree. */
function sectionOn(delta: SnapshotDelta, name: SectionName, base: Snapshot | undefined): AnySection | undefined {
  try {
    const built = applyDeltaTo(
      {
        snapshotId: delta.baseSnapshotId,
        hashOf: (n) => (base ? hashOf(base, n) : undefined),
        dataOf: (n) => (base?.sections[n] as { data?: unknown } | undefined)?.data,
      },
      onlySection(delta, name),
      (n) => (base?.sections[n] as { data?: unknown } | undefined)?.data,
    );
    return built.sections[name];
  } catch (err) {
    if (err instanceof DeltaMismatchError) return undefined;
    throw err;
  }
}

/**
 * The full snapshot a delta stands for when its own base is lost, from other snapshots of the
 * same machine (`bases`, newest first): each section is taken from the first base on which the
 * delta's change gives the hash the delta declares, so whatever is rebuilt is exact. A section
 * no base gives is sent as failed, which the collector reads as "not known this time" and
 * keeps what it had; `lost` names those sections.
 */
export function salvageDelta(
  delta: SnapshotDelta,
  bases: readonly Snapshot[],
): { snapshot: Snapshot; lost: SectionName[] } {
  const sections = {} as Record<SectionName, AnySection>;
  const lost: SectionName[] = [];
  for (const name of SECTION_NAMES) {
    const change = delta.sections[name];
    let section: AnySection | undefined;
    for (const base of change.change === 'replaced' ? [NO_BASE] : bases) {
      section = sectionOn(delta, name, base);
      if (section) break;
    }
    if (!section) {
      lost.push(name);
      section = {
        status: 'failed',
        reason: LOST_SECTION_REASON,
        collectedAt: change.collectedAt,
        durationMs: change.durationMs,
      } as AnySection;
    }
    sections[name] = section;
  }
  return {
    snapshot: {
      contractVersion: delta.contractVersion,
      kind: 'full',
      snapshotId: delta.snapshotId,
      agent: delta.agent,
      collectedAt: delta.collectedAt,
      identity: delta.identity,
      sections: sections as Snapshot['sections'],
    },
    lost,
  };
}
