import Type, { type Static } from 'typebox';
import { ProblemSchema, SnapshotAckSchema } from './agent-api.ts';
import { SnapshotDeltaSchema } from './delta-schema.ts';
import { SnapshotSchema } from './snapshot.ts';
import { createValidator } from './validate.ts';

/**
 * The live channel: one websocket per agent at `/api/v1/agent/ws` (bearer token at the
 * upgrade), JSON text frames. It says who is online now, lets the collector ask for an
 * inventory at once, and can carry snapshots and deltas as an alternative to the HTTP routes
 * (same validation, same answers). Everything works without it.
 */
export { AGENT_OFFLINE_PROBLEM_TYPE, LIVE_CHANNEL_PATH } from './contract.ts';

/**
 * Close codes the collector uses besides the standard ones (1009: a frame larger than the
 * collector reads at all).
 */
export const LiveCloseCodes = {
  /** A newer connection of the same agent took over. */
  replaced: 4000,
  /** A frame that is not a live channel message at all (no usable id to answer to). */
  badMessage: 4400,
  /** The agent's token was revoked while the socket was open. */
  unauthorized: 4401,
} as const;

/**
 * Bytes a snapshot or delta message may have beyond the collector's snapshot body limit: the
 * envelope (`type`, `id`) around a body the HTTP route would have taken.
 */
export const LIVE_ENVELOPE_ALLOWANCE_BYTES = 1024;

export const HeartbeatMessageSchema = Type.Object(
  {
    type: Type.Literal('heartbeat'),
    sentAt: Type.String({ format: 'date-time' }),
    nextRunAt: Type.Optional(Type.String({ format: 'date-time', description: 'Next scheduled inventory.' })),
    spoolDepth: Type.Optional(Type.Integer({ minimum: 0, description: 'Snapshots waiting to be delivered.' })),
  },
  { additionalProperties: false, description: 'Agent to collector: still here.' },
);

export const RefreshAcceptedMessageSchema = Type.Object(
  {
    type: Type.Literal('refresh-accepted'),
    requestId: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false, description: 'Agent to collector: an inventory asked for is under way.' },
);

/** Chosen by the agent for each snapshot or delta it sends; the collector's answer carries it back. */
export const LiveMessageIdSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Correlation id chosen by the sender; the answer (`ack` or `error`) carries the same id.',
});

export const LiveSnapshotMessageSchema = Type.Object(
  {
    type: Type.Literal('snapshot'),
    id: LiveMessageIdSchema,
    snapshot: SnapshotSchema,
  },
  {
    additionalProperties: false,
    description: 'Agent to collector: a full snapshot, as `POST /api/v1/agent/snapshots` takes it.',
  },
);
export type LiveSnapshotMessage = Static<typeof LiveSnapshotMessageSchema>;

export const LiveDeltaMessageSchema = Type.Object(
  {
    type: Type.Literal('delta'),
    id: LiveMessageIdSchema,
    delta: SnapshotDeltaSchema,
  },
  {
    additionalProperties: false,
    description: 'Agent to collector: a snapshot as a delta, as `POST /api/v1/agent/deltas` takes it.',
  },
);
export type LiveDeltaMessage = Static<typeof LiveDeltaMessageSchema>;

export const AgentLiveMessageSchema = Type.Union([
  HeartbeatMessageSchema,
  RefreshAcceptedMessageSchema,
  LiveSnapshotMessageSchema,
  LiveDeltaMessageSchema,
]);
export type AgentLiveMessage = Static<typeof AgentLiveMessageSchema>;

export const RefreshMessageSchema = Type.Object(
  {
    type: Type.Literal('refresh'),
    requestId: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false, description: 'Collector to agent: take an inventory now and send it.' },
);

export const LiveAckMessageSchema = Type.Object(
  {
    type: Type.Literal('ack'),
    id: LiveMessageIdSchema,
    ...SnapshotAckSchema.properties,
  },
  {
    additionalProperties: false,
    description:
      'Collector to agent: the snapshot or delta with this id is stored (committed) or was already; the HTTP routes answer the same fields.',
  },
);
export type LiveAckMessage = Static<typeof LiveAckMessageSchema>;

export const LiveErrorMessageSchema = Type.Object(
  {
    type: Type.Literal('error'),
    id: LiveMessageIdSchema,
    status: Type.Integer({ description: 'The HTTP status the HTTP route would have answered with.' }),
    problem: ProblemSchema,
  },
  {
    additionalProperties: false,
    description:
      'Collector to agent: the snapshot or delta with this id was refused; `problem` is the RFC 9457 body the HTTP route would have answered with (409 `urn:stocktake:problem:resync`: send the snapshot in full).',
  },
);
export type LiveErrorMessage = Static<typeof LiveErrorMessageSchema>;

export const CollectorLiveMessageSchema = Type.Union([
  RefreshMessageSchema,
  LiveAckMessageSchema,
  LiveErrorMessageSchema,
]);
export type CollectorLiveMessage = Static<typeof CollectorLiveMessageSchema>;

export const validateAgentLiveMessage = createValidator<AgentLiveMessage>(AgentLiveMessageSchema);
export const validateCollectorLiveMessage = createValidator<CollectorLiveMessage>(CollectorLiveMessageSchema);
