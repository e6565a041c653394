import Type, { type Static, type TSchema } from 'typebox';
import { canonicalJson, normalizeSectionData, sectionHash } from './canonical.ts';
import { HardwareSchema } from './hardware.ts';
import { DeviceIdentitySchema } from './identity.ts';
import { OsSchema } from './os.ts';
import { PatchStateSchema } from './patches.ts';
import { type Section, SectionSchema } from './section.ts';
import {
  AgentInfoSchema,
  CONTRACT_VERSION,
  SECTION_NAMES,
  type SectionName,
  type Sections,
  type Snapshot,
} from './snapshot.ts';
import {
  compareSoftware,
  type SoftwareItem,
  SoftwareItemSchema,
  SoftwareSchema,
  SoftwareSourceSchema,
  softwareKey,
} from './software.ts';
import { UsersSchema } from './users.ts';
import { createValidator } from './validate.ts';

/**
 * A delta: one snapshot told as the changes since another one (its base) that the collector
 * already stored. It has its own message kind and route; the full snapshot is unchanged, so the
 * contract version stays 1 (a collector without the delta route answers 404 and the agent
 * sends full snapshots).
 */

/** Problem type of the collector's 409 when its base does not match: the agent sends a full snapshot. */
export const RESYNC_PROBLEM_TYPE = 'urn:stocktake:problem:resync';

// The section envelope minus `hash` and `data`, exactly as a full snapshot's section has it.
const { hash: _hash, data: _data, ...envelope } = SectionSchema(Type.Unknown(), '').properties;

const HashSchema = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'SHA-256 of the canonical JSON of the section data this delta produces (see `sectionHash`).',
});

const UnchangedSectionSchema = Type.Object(
  {
    change: Type.Literal('unchanged'),
    ...envelope,
    hash: HashSchema,
  },
  { additionalProperties: false, description: 'Same data as in the base snapshot; only the envelope is new.' },
);

function ReplacedSectionSchema<T extends TSchema>(data: T) {
  return Type.Object(
    {
      change: Type.Literal('replaced'),
      ...envelope,
      hash: Type.Optional(HashSchema),
      data: Type.Optional(data),
    },
    {
      additionalProperties: false,
      description: 'The whole section, as in a full snapshot (no `data` when the section failed).',
    },
  );
}

export const SoftwareKeySchema = Type.Object(
  {
    source: SoftwareSourceSchema,
    name: Type.String({ minLength: 1, maxLength: 512 }),
    arch: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false, description: 'Identity of installed items: `(source, name, arch)`.' },
);
export type SoftwareKey = Static<typeof SoftwareKeySchema>;

const PatchedSoftwareSchema = Type.Object(
  {
    change: Type.Literal('patched'),
    ...envelope,
    hash: HashSchema,
    added: Type.Array(SoftwareItemSchema, {
      maxItems: 50_000,
      description: 'Items under keys the base did not have.',
    }),
    changed: Type.Array(SoftwareItemSchema, {
      maxItems: 50_000,
      description:
        'Every item under each key whose items differ from the base; they replace all of that key (a key may hold several versions, such as kernels).',
    }),
    removed: Type.Array(SoftwareKeySchema, { maxItems: 50_000, description: 'Keys no longer installed.' }),
  },
  {
    additionalProperties: false,
    description: 'The software list as items added, changed and removed against the base, keyed by `softwareKey`.',
  },
);

export const DeltaSectionsSchema = Type.Object(
  {
    hardware: Type.Union([UnchangedSectionSchema, ReplacedSectionSchema(HardwareSchema)]),
    os: Type.Union([UnchangedSectionSchema, ReplacedSectionSchema(OsSchema)]),
    software: Type.Union([UnchangedSectionSchema, ReplacedSectionSchema(SoftwareSchema), PatchedSoftwareSchema]),
    patches: Type.Union([UnchangedSectionSchema, ReplacedSectionSchema(PatchStateSchema)]),
    users: Type.Union([UnchangedSectionSchema, ReplacedSectionSchema(UsersSchema)]),
  },
  { additionalProperties: false },
);

export const SnapshotDeltaSchema = Type.Object(
  {
    contractVersion: Type.Literal(CONTRACT_VERSION),
    kind: Type.Literal('delta'),
    snapshotId: Type.String({
      format: 'uuid',
      description: 'Id of the snapshot this delta describes; stored at most once, like a full snapshot.',
    }),
    baseSnapshotId: Type.String({
      format: 'uuid',
      description: 'The snapshot the changes are relative to: the last one the collector stored for this device.',
    }),
    agent: AgentInfoSchema,
    collectedAt: Type.String({ format: 'date-time', description: 'When the snapshot was assembled (UTC).' }),
    identity: DeviceIdentitySchema,
    sections: DeltaSectionsSchema,
  },
  {
    additionalProperties: false,
    $id: 'SnapshotDelta',
    description: 'A snapshot sent as its changes against a base snapshot the collector already has.',
  },
);

export type SnapshotDelta = Static<typeof SnapshotDeltaSchema>;
export type DeltaSection = SnapshotDelta['sections'][SectionName];
export const validateDelta = createValidator<SnapshotDelta>(SnapshotDeltaSchema);

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
  return {
    contractVersion: CONTRACT_VERSION,
    kind: 'delta',
    snapshotId: next.snapshotId,
    baseSnapshotId: base.snapshotId,
    agent: next.agent,
    collectedAt: next.collectedAt,
    identity: next.identity,
    sections: sections as SnapshotDelta['sections'],
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

/**
 * The full snapshot a delta describes, built on `base`. Throws DeltaMismatchError when `base`
 * is not the delta's base or the result's hash differs from the one the delta declares: the
 * two sides disagree, and only a full snapshot can put them right.
 */
export function applyDelta(base: Snapshot, delta: SnapshotDelta): Snapshot {
  if (base.snapshotId !== delta.baseSnapshotId) {
    throw new DeltaMismatchError(`base is ${delta.baseSnapshotId}, not ${base.snapshotId}`, '/baseSnapshotId');
  }
  const sections: Record<string, AnySection> = {};
  for (const name of SECTION_NAMES) {
    const change = delta.sections[name];
    const was = base.sections[name] as AnySection;
    const path = `/sections/${name}/hash`;
    let data: unknown;
    if (change.change === 'unchanged') {
      const wasHash = hashOf(name, was);
      if (wasHash === undefined || wasHash !== change.hash) {
        throw new DeltaMismatchError(`says ${name} is unchanged, but the base ${name} differs`, path);
      }
      sections[name] = { ...envelopeOf(change), hash: change.hash, data: was.data };
      continue;
    }
    if (change.change === 'patched') {
      if (was.data === undefined) {
        throw new DeltaMismatchError(`patches ${name}, which the base does not have`, `/sections/${name}`);
      }
      data = patchSoftware(was.data as SoftwareItem[], change);
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
  return {
    contractVersion: CONTRACT_VERSION,
    kind: 'full',
    snapshotId: delta.snapshotId,
    agent: delta.agent,
    collectedAt: delta.collectedAt,
    identity: delta.identity,
    sections: sections as unknown as Sections,
  };
}
