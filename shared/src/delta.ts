import { canonicalJson, normalizeSectionData, sectionHash } from './canonical.ts';
import { CONTRACT_VERSION, SECTION_NAMES, type SectionName } from './contract.ts';
import type { DeltaSection, SnapshotDelta, SoftwareKey } from './delta-schema.ts';
import type { Section } from './section.ts';
import type { Sections, Snapshot } from './snapshot.ts';
import type { SoftwareItem } from './software.ts';
import { compareSoftware, softwareKey } from './software-order.ts';
import type { Usage } from './usage.ts';
import { diffUsage, mergeUsage } from './usage-diff.ts';

/**
 * Diffing and applying deltas (their schemas are in delta-schema.ts). No TypeBox here: the agent
 * loads this on every run through `@stocktake/shared/core`, and it never validates a delta.
 */

export { RESYNC_PROBLEM_TYPE } from './contract.ts';

/** Anything an agent queues for the collector. */
export type AgentMessage = Snapshot | SnapshotDelta;

/** The delta's base is not what the receiver has, or the result is not what the sender had. */
export class DeltaMismatchError extends Error {
  constructor(
    message: string,
    /** JSON Pointer into the delta. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'DeltaMismatchError';
  }
}

type AnySection = Section<unknown>;

function envelopeOf(section: AnySection | DeltaSection) {
  return {
    status: section.status,
    ...(section.reason !== undefined ? { reason: section.reason } : {}),
    ...(section.failedSources !== undefined ? { failedSources: section.failedSources } : {}),
    collectedAt: section.collectedAt,
    durationMs: section.durationMs,
  };
}

function hashOf(name: SectionName, section: AnySection): string | undefined {
  if (section.data === undefined) return undefined;
  return section.hash ?? sectionHash(name, section.data);
}

function groupByKey(items: readonly SoftwareItem[]): Map<string, SoftwareItem[]> {
  const groups = new Map<string, SoftwareItem[]>();
  for (const item of items) {
    const key = softwareKey(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function sameItems(a: SoftwareItem[], b: SoftwareItem[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort(compareSoftware).map(canonicalJson);
  const y = [...b].sort(compareSoftware).map(canonicalJson);
  return x.every((v, i) => v === y[i]);
}

function keyOf(item: SoftwareItem): SoftwareKey {
  return { source: item.source, name: item.name, ...(item.arch !== undefined ? { arch: item.arch } : {}) };
}

/** The software list as added, changed and removed keys; undefined when sending it whole is smaller. */
export function diffSoftware(
  base: readonly SoftwareItem[],
  next: readonly SoftwareItem[],
): { added: SoftwareItem[]; changed: SoftwareItem[]; removed: SoftwareKey[] } | undefined {
  const before = groupByKey(base);
  const after = groupByKey(next);
  const added: SoftwareItem[] = [];
  const changed: SoftwareItem[] = [];
  const removed: SoftwareKey[] = [];
  for (const [key, items] of after) {
    const was = before.get(key);
    if (!was) added.push(...items);
    else if (!sameItems(was, items)) changed.push(...items);
  }
  for (const [key, items] of before) {
    const first = items[0];
    if (!after.has(key) && first) removed.push(keyOf(first));
  }
  if (added.length + changed.length + removed.length >= next.length) return undefined;
  return {
    added: normalizeSectionData('software', added),
    changed: normalizeSectionData('software', changed),
    removed,
  };
}

/**
 * `next` told as its changes against `base`. Sections with the same canonical hash are
 * `unchanged`, the software list is `patched` by key, anything else is `replaced` whole.
 */
export function diffSnapshot(base: Snapshot, next: Snapshot): SnapshotDelta {
  const sections: Record<string, DeltaSection> = {};
  for (const name of SECTION_NAMES) {
    const was = base.sections[name] as AnySection;
    const is = next.sections[name] as AnySection;
    const wasHash = hashOf(name, was);
    const isHash = hashOf(name, is);
    if (isHash !== undefined && isHash === wasHash) {
      sections[name] = { change: 'unchanged', ...envelopeOf(is), hash: isHash };
      continue;
    }
    if (name === 'software' && isHash !== undefined && was.data !== undefined) {
      const patch = diffSoftware(was.data as SoftwareItem[], is.data as SoftwareItem[]);
      if (patch) {
        sections[name] = { change: 'patched', ...envelopeOf(is), hash: isHash, ...patch };
        continue;
      }
    }
    sections[name] = {
      change: 'replaced',
      ...envelopeOf(is),
      ...(isHash !== undefined ? { hash: isHash } : {}),
      ...(is.data !== undefined ? { data: is.data } : {}),
    } as DeltaSection;
  }
  // Usage a delta cannot take away: the agent sends a full snapshot when it stops metering.
  const usage = next.usage ? diffUsage(base.usage, next.usage) : undefined;
  return {
    contractVersion: CONTRACT_VERSION,
    kind: 'delta',
    snapshotId: next.snapshotId,
    baseSnapshotId: base.snapshotId,
    agent: next.agent,
    collectedAt: next.collectedAt,
    identity: next.identity,
    sections: sections as SnapshotDelta['sections'],
    ...(usage ? { usage } : {}),
  };
}

function patchSoftware(
  base: readonly SoftwareItem[],
  patch: { added: SoftwareItem[]; changed: SoftwareItem[]; removed: SoftwareKey[] },
): SoftwareItem[] {
  const groups = groupByKey(base);
  patch.removed.forEach((key, i) => {
    if (!groups.delete(softwareKey(key))) {
      throw new DeltaMismatchError(
        `removes ${key.name}, which the base does not have`,
        `/sections/software/removed/${i}`,
      );
    }
  });
  for (const [key, items] of groupByKey(patch.changed)) {
    if (!groups.has(key)) {
      throw new DeltaMismatchError(
        `changes ${items[0]?.name}, which the base does not have`,
        '/sections/software/changed',
      );
    }
    groups.set(key, items);
  }
  for (const [key, items] of groupByKey(patch.added)) {
    if (groups.has(key)) {
      throw new DeltaMismatchError(`adds ${items[0]?.name}, which the base already has`, '/sections/software/added');
    }
    groups.set(key, items);
  }
  return normalizeSectionData('software', [...groups.values()].flat());
}

/** What applying a delta needs of its base, so a receiver can answer from what it stores. */
export interface DeltaBase {
  snapshotId: string;
  /** The hash of the base's section; undefined when the base has no data for it. */
  hashOf(name: SectionName): string | undefined;
  /** The base's data of a section; asked only for a section the delta patches. */
  dataOf(name: SectionName): unknown;
  /** The base's usage, when the receiver keeps it with the snapshot (absent: the result has the delta's usage changes only). */
  usage?: Usage;
}

/**
 * The snapshot a delta describes, built on `base`, with each section's hash. An `unchanged`
 * section gets the data `unchangedData` gives (undefined: left out, for a receiver that keeps
 * the base's data where it is). Throws DeltaMismatchError when `base` is not the delta's base,
 * or a section's hash differs from the one the delta declares: the two sides disagree, and
 * only a full snapshot can put them right.
 */
export function applyDeltaTo(
  base: DeltaBase,
  delta: SnapshotDelta,
  unchangedData: (name: SectionName) => unknown,
): Snapshot {
  if (base.snapshotId !== delta.baseSnapshotId) {
    throw new DeltaMismatchError(`base is ${delta.baseSnapshotId}, not ${base.snapshotId}`, '/baseSnapshotId');
  }
  const sections: Record<string, AnySection> = {};
  for (const name of SECTION_NAMES) {
    const change = delta.sections[name];
    const path = `/sections/${name}/hash`;
    let data: unknown;
    if (change.change === 'unchanged') {
      const wasHash = base.hashOf(name);
      if (wasHash === undefined || wasHash !== change.hash) {
        throw new DeltaMismatchError(`says ${name} is unchanged, but the base ${name} differs`, path);
      }
      const kept = unchangedData(name);
      sections[name] = { ...envelopeOf(change), hash: change.hash, ...(kept !== undefined ? { data: kept } : {}) };
      continue;
    }
    if (change.change === 'patched') {
      const was = base.hashOf(name) === undefined ? undefined : base.dataOf(name);
      if (was === undefined) {
        throw new DeltaMismatchError(`patches ${name}, which the base does not have`, `/sections/${name}`);
      }
      data = patchSoftware(was as SoftwareItem[], change);
    } else {
      data = change.data;
    }
    if (data === undefined) {
      sections[name] = envelopeOf(change);
      continue;
    }
    const hash = sectionHash(name, data);
    if (change.hash !== undefined && change.hash !== hash) {
      throw new DeltaMismatchError(`${name} comes out as ${hash}, not ${change.hash}`, path);
    }
    sections[name] = { ...envelopeOf(change), hash, data };
  }
  const usage = delta.usage ? mergeUsage(base.usage, delta.usage) : base.usage;
  return {
    contractVersion: CONTRACT_VERSION,
    kind: 'full',
    snapshotId: delta.snapshotId,
    agent: delta.agent,
    collectedAt: delta.collectedAt,
    identity: delta.identity,
    sections: sections as unknown as Sections,
    ...(usage ? { usage } : {}),
  };
}

/** The full snapshot a delta describes, built on the full snapshot `base` (see applyDeltaTo). */
export function applyDelta(base: Snapshot, delta: SnapshotDelta): Snapshot {
  const section = (name: SectionName) => base.sections[name] as AnySection;
  return applyDeltaTo(
    {
      snapshotId: base.snapshotId,
      hashOf: (name) => hashOf(name, section(name)),
      dataOf: (name) => section(name).data,
      ...(base.usage ? { usage: base.usage } : {}),
    },
    delta,
    (name) => section(name).data,
  );
}
