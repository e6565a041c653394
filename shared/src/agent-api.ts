import Type, { type Static } from 'typebox';
import { AGENT_TOKEN_MAX_LENGTH, ANSWER_ID_MAX_LENGTH } from './contract.ts';

export const EnrollRequestSchema = Type.Object(
  {
    enrollSecret: Type.String({ minLength: 1, maxLength: 512, description: 'Shared enrolment secret.' }),
    hostname: Type.String({ minLength: 1, maxLength: 255 }),
    agentVersion: Type.String({ minLength: 1, maxLength: 64 }),
    platform: Type.String({ maxLength: 32 }),
  },
  { additionalProperties: false },
);
export type EnrollRequest = Static<typeof EnrollRequestSchema>;

export const EnrollResponseSchema = Type.Object(
  {
    agentId: Type.String({
      minLength: 1,
      maxLength: ANSWER_ID_MAX_LENGTH,
      description: 'Identifier of this agent installation.',
    }),
    agentToken: Type.String({
      minLength: 1,
      maxLength: AGENT_TOKEN_MAX_LENGTH,
      description: 'Bearer token for the agent routes; shown once.',
    }),
  },
  { additionalProperties: false },
);
export type EnrollResponse = Static<typeof EnrollResponseSchema>;

export const SnapshotAckSchema = Type.Object(
  {
    snapshotId: Type.String({
      minLength: 1,
      maxLength: ANSWER_ID_MAX_LENGTH,
      description: 'Id of the snapshot or delta stored: the one the agent sent.',
    }),
    deviceId: Type.String({
      minLength: 1,
      maxLength: ANSWER_ID_MAX_LENGTH,
      description: 'Collector device the snapshot was attached to.',
    }),
    duplicate: Type.Boolean({ description: 'The snapshot id was already stored; nothing was written.' }),
    accepts: Type.Optional(
      Type.Array(Type.Literal('usage'), {
        maxItems: 8,
        description:
          'Optional parts of a snapshot this collector takes (`usage`): an agent sends them only to a collector that named them, since an older one refuses members it does not know.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SnapshotAck = Static<typeof SnapshotAckSchema>;

/** RFC 9457 problem details, as every error response of the collector. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'Stable identifier of the problem kind (a URI).' }),
    title: Type.String({ description: 'Short summary of the problem kind.' }),
    status: Type.Integer({ description: 'The HTTP status the problem comes with.' }),
    detail: Type.Optional(Type.String({ description: 'What went wrong this time.' })),
    instance: Type.Optional(Type.String({ description: 'The path of the request it happened to.' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.String({ description: 'JSON Pointer to the offending value (for a CSV: /line/column).' }),
            message: Type.String({ description: 'What is wrong with it.' }),
          },
          { additionalProperties: false },
        ),
        { description: 'Each offending field, for a validation problem.' },
      ),
    ),
  },
  { description: 'RFC 9457 problem details.' },
);
export type Problem = Static<typeof ProblemSchema>;

export {
  AGENT_TOKEN_MAX_LENGTH,
  ANSWER_ID_MAX_LENGTH,
  COLLECTOR_HEADER,
  ENROLMENT_BLOCKED_PROBLEM_TYPE,
  FINAL_REFUSALS,
  isFinalRefusal,
  ProblemTypes,
  SNAPSHOT_ID_TAKEN_PROBLEM_TYPE,
} from './contract.ts';
