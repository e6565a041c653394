import Type, { type Static, type TSchema } from 'typebox';
import { CONTRACT_VERSION, type SectionName } from './contract.ts';
import { HardwareSchema } from './hardware.ts';
import { DeviceIdentitySchema } from './identity.ts';
import { OsSchema } from './os.ts';
import { PatchStateSchema } from './patches.ts';
import { SectionSchema } from './section.ts';
import { AgentInfoSchema } from './snapshot.ts';
import { SoftwareItemSchema, SoftwareSchema, SoftwareSourceSchema } from './software.ts';
import { UsageSchema } from './usage.ts';
import { UsersSchema } from './users.ts';
import { createValidator } from './validate.ts';

/**
 * A delta: one snapshot told as the changes since another one (its base) that the collector
 * already stored. It has its own message kind and route; the full snapshot is unchanged, so the
 * contract version stays 1 (a collector without the delta route answers 404 and the agent
 * sends full snapshots).
 */

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
    usage: Type.Optional(UsageSchema),
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
