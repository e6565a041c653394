import Type, { type Static } from 'typebox';
import { createValidator } from './validate.ts';

/**
 * The live channel: one websocket per agent at `/api/v1/agent/ws` (bearer token at the
 * upgrade), JSON text frames. Snapshots do not travel over it; it says who is online now and
 * lets the collector ask for an inventory at once. Everything works without it.
 */
export { AGENT_OFFLINE_PROBLEM_TYPE, LIVE_CHANNEL_PATH } from './contract.ts';

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

export const AgentLiveMessageSchema = Type.Union([HeartbeatMessageSchema, RefreshAcceptedMessageSchema]);
export type AgentLiveMessage = Static<typeof AgentLiveMessageSchema>;

export const RefreshMessageSchema = Type.Object(
  {
    type: Type.Literal('refresh'),
    requestId: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false, description: 'Collector to agent: take an inventory now and send it.' },
);

export const CollectorLiveMessageSchema = Type.Union([RefreshMessageSchema]);
export type CollectorLiveMessage = Static<typeof CollectorLiveMessageSchema>;

export const validateAgentLiveMessage = createValidator<AgentLiveMessage>(AgentLiveMessageSchema);
export const validateCollectorLiveMessage = createValidator<CollectorLiveMessage>(CollectorLiveMessageSchema);
