import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { EnrolmentBlockKindSchema } from './enums.ts';
import { AGENT, AT, DEVICE, EARLIER } from './example-values.ts';

/**
 * The operators' view of agents: which installations are enrolled, what they report on, and
 * the controls over them (revocation, enrolment blocks, adopting a device for an agent).
 */

/** An enrolled agent installation, never its token. */
export const AgentSchema = Type.Object(
  {
    id: Type.String({ description: 'The agent id it enrolled with.' }),
    hostname: Type.String({ description: 'The host name it enrolled with.' }),
    version: Type.String({ description: 'The agent version of its latest snapshot (or enrolment).' }),
    platform: Type.String({ description: 'The platform it enrolled with.' }),
    enrolledAt: Type.String({ description: 'When it enrolled.' }),
    lastSeenAt: Nullable(Type.String({ description: 'When its latest snapshot was stored; null before the first.' })),
    address: Nullable(
      Type.String({ description: 'The network address of its latest request, as the collector saw it.' }),
    ),
    deviceId: Nullable(Type.String({ description: 'The device its snapshots are stored on.' })),
    claimedDeviceId: Nullable(
      Type.String({
        description:
          'A device another agent follows whose hardware this agent reports: it waits on a device of its own until the device moves to it by evidence or an admin adopts it for it.',
      }),
    ),
    online: Type.Boolean({ description: 'Whether it holds its live channel open now.' }),
    revokedAt: Nullable(Type.String({ description: 'When it was revoked; null while live.' })),
    revokedBy: Nullable(Type.String({ description: 'Who revoked it.' })),
  },
  { description: 'An enrolled agent installation.' },
);
export type AgentInfo = Static<typeof AgentSchema>;

/** Agents, unpaged. */
export const AgentListSchema = Type.Object({
  items: Type.Array(AgentSchema, { description: 'The agents, the most recently seen first.' }),
});
export type AgentList = Static<typeof AgentListSchema>;

/** The query string of an agent's revocation. */
export const AgentRevokeQuerySchema = Type.Object(
  {
    allowReenrolment: Type.Boolean({
      default: false,
      description:
        'Let a newly enrolled agent take the device over (a reinstall). By default the device is blocked: new agents reporting its hardware are refused until an admin allows it.',
    }),
  },
  { additionalProperties: false },
);
export type AgentRevokeQuery = Static<typeof AgentRevokeQuerySchema>;

/** What enrolment refuses until an admin allows it again. */
export const EnrolmentBlockSchema = Type.Object(
  {
    id: Type.Integer({ description: 'The block id.' }),
    kind: EnrolmentBlockKindSchema,
    value: Type.String({ description: 'The device id, or the serial as matching compares it (upper case, trimmed).' }),
    createdAt: Type.String({ description: 'When it was made.' }),
    createdBy: Type.String({ description: 'Who made it.' }),
  },
  { description: 'An enrolment block in force.' },
);
export type EnrolmentBlock = Static<typeof EnrolmentBlockSchema>;

export const EnrolmentBlockListSchema = Type.Object({
  items: Type.Array(EnrolmentBlockSchema, { description: 'The blocks in force, oldest first.' }),
});
export type EnrolmentBlockList = Static<typeof EnrolmentBlockListSchema>;

/** A new enrolment block. */
export const EnrolmentBlockCreateSchema = Type.Object(
  {
    kind: EnrolmentBlockKindSchema,
    value: Type.String({ minLength: 1, maxLength: 128, description: 'A device id, or a hardware serial.' }),
  },
  { additionalProperties: false },
);
export type EnrolmentBlockCreate = Static<typeof EnrolmentBlockCreateSchema>;

/** What revoking an agent did. */
export const AgentRevocationSchema = Type.Object({
  agent: AgentSchema,
  block: Nullable(EnrolmentBlockSchema),
});
export type AgentRevocation = Static<typeof AgentRevocationSchema>;

/** An admin moving a device to an agent. */
export const DeviceAdoptRequestSchema = Type.Object(
  { agentId: Type.String({ minLength: 1, maxLength: 64, description: 'The live agent the device is to follow.' }) },
  { additionalProperties: false },
);
export type DeviceAdoptRequest = Static<typeof DeviceAdoptRequestSchema>;

/** What an adoption did. */
export const DeviceAdoptionSchema = Type.Object({
  deviceId: Type.String({ description: 'The device, which now follows the agent.' }),
  agentId: Type.String({ description: 'The agent.' }),
  replacedAgentId: Nullable(Type.String({ description: 'The agent the device followed until now.' })),
  mergedDeviceId: Nullable(
    Type.String({
      description:
        'The device the agent reported on meanwhile, now merged into this one (its snapshots kept, the rest dropped).',
    }),
  ),
});
export type DeviceAdoption = Static<typeof DeviceAdoptionSchema>;

/** POST /api/v1/devices/:id/merge: the duplicate device to fold into this one. */
export const DeviceMergeRequestSchema = Type.Object(
  {
    from: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'The duplicate device, merged into this one and then removed: its snapshots, change history and agents move here.',
    }),
  },
  { additionalProperties: false },
);
export type DeviceMergeRequest = Static<typeof DeviceMergeRequestSchema>;

/** What a merge did. */
export const DeviceMergeSchema = Type.Object({
  deviceId: Type.String({ description: 'The surviving device.' }),
  mergedDeviceId: Type.String({ description: 'The device merged into it, which no longer exists.' }),
  agentId: Nullable(
    Type.String({
      description:
        'The agent the surviving device follows now: of the two devices’ agents, the one that reported last.',
    }),
  ),
  agentIds: Type.Array(Type.String(), {
    description: 'The agents that reported on the merged device and report on the surviving one from now on.',
  }),
  snapshots: Type.Integer({ minimum: 0, description: 'Snapshots moved to the surviving device’s history.' }),
  changes: Type.Integer({ minimum: 0, description: 'Change history lines moved to the surviving device.' }),
  linkMoved: Type.Boolean({
    description: 'The surviving device had no register link and took the merged device’s.',
  }),
});
export type DeviceMerge = Static<typeof DeviceMergeSchema>;

/** What deleting a device did (DELETE /api/v1/devices/:id). */
export const DeviceDeletionSchema = Type.Object({
  deviceId: Type.String({ description: 'The deleted device; its audit entries stay.' }),
  hostname: Type.String({ description: 'Its host name, as it last reported it.' }),
  agentIds: Type.Array(Type.String(), {
    description:
      'The agents that reported on it: one that reports again lands on a new device (revoke it to keep it out).',
  }),
  snapshots: Type.Integer({ minimum: 0, description: 'Stored snapshots deleted with it.' }),
  unlinkedAssetId: Nullable(Type.String({ description: 'The register asset it was linked to, now without a device.' })),
  blocksLifted: Type.Integer({
    minimum: 0,
    description: 'Enrolment blocks on the device, lifted with it (blocks on its serial stay).',
  }),
});
export type DeviceDeletion = Static<typeof DeviceDeletionSchema>;

export const AGENT_EXAMPLE: AgentInfo = {
  id: AGENT,
  hostname: 'ws-0042',
  version: '0.1.0',
  platform: 'linux',
  enrolledAt: EARLIER,
  lastSeenAt: AT,
  address: '10.20.4.17',
  deviceId: DEVICE,
  claimedDeviceId: null,
  online: true,
  revokedAt: null,
  revokedBy: null,
};

export const ENROLMENT_BLOCK_EXAMPLE: EnrolmentBlock = {
  id: 2,
  kind: 'device',
  value: DEVICE,
  createdAt: AT,
  createdBy: 'ops-admin',
};
