import Type, { type Static } from 'typebox';
import { AGENT_KINDS } from './api/vocabulary.ts';
import { CONTRACT_VERSION } from './contract.ts';
import { HardwareSchema } from './hardware.ts';
import { DeviceIdentitySchema } from './identity.ts';
import { OsSchema } from './os.ts';
import { PatchStateSchema } from './patches.ts';
import { SectionSchema } from './section.ts';
import { SoftwareSchema } from './software.ts';
import { UsageSchema } from './usage.ts';
import { UsersSchema } from './users.ts';

export { CONTRACT_VERSION, SECTION_NAMES, type SectionName } from './contract.ts';

export const SectionsSchema = Type.Object(
  {
    hardware: SectionSchema(HardwareSchema, 'Hardware components.'),
    os: SectionSchema(OsSchema, 'Operating system.'),
    software: SectionSchema(SoftwareSchema, 'Installed software.'),
    patches: SectionSchema(PatchStateSchema, 'Patch state.'),
    users: SectionSchema(UsersSchema, 'Logged-in and last users.'),
  },
  { additionalProperties: false },
);

export const AgentInfoSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Agent id issued at enrolment; absent in a local `inventory` before enrolment.',
      }),
    ),
    version: Type.String({ minLength: 1, maxLength: 64, description: 'Agent software version.' }),
    platform: Type.String({ maxLength: 32, description: 'Node platform the agent runs on (linux, win32, darwin).' }),
    kind: Type.Optional(
      Type.Enum(AGENT_KINDS, {
        description:
          "Which program reported: absent or `stocktake` for the Stocktake agent; the collector sets another kind only on the snapshots it converts from another tool's agent (OCS Inventory, FusionInventory, GLPI Agent).",
      }),
    ),
  },
  { additionalProperties: false },
);

export const SnapshotSchema = Type.Object(
  {
    contractVersion: Type.Literal(CONTRACT_VERSION),
    kind: Type.Literal('full', { description: 'A complete snapshot; deltas use their own message.' }),
    snapshotId: Type.String({
      format: 'uuid',
      description: 'Unique per snapshot; the collector stores a snapshot id at most once.',
    }),
    agent: AgentInfoSchema,
    collectedAt: Type.String({ format: 'date-time', description: 'When the snapshot was assembled (UTC).' }),
    identity: DeviceIdentitySchema,
    sections: SectionsSchema,
    usage: Type.Optional(UsageSchema),
  },
  { additionalProperties: false, $id: 'Snapshot', description: 'What an agent reports about its device.' },
);

export type Snapshot = Static<typeof SnapshotSchema>;
export type Sections = Static<typeof SectionsSchema>;
export type AgentInfo = Static<typeof AgentInfoSchema>;
