import Type, { type Static } from 'typebox';
import { ProblemTypes } from '../contract.ts';
import { ReadinessCheckNameSchema } from './enums.ts';

/** The collector process is up and serving HTTP: liveness, which touches no storage. */
export const HealthSchema = Type.Object({
  status: Type.Literal('ok', { description: 'Always ok.' }),
  version: Type.String({ description: 'The collector’s version.' }),
});
export type Health = Static<typeof HealthSchema>;

/** One readiness check and what it found. */
export const ReadinessCheckSchema = Type.Object(
  {
    name: ReadinessCheckNameSchema,
    ok: Type.Boolean({ description: 'Whether the check passed.' }),
    detail: Type.String({ description: 'What was found, in words (free space, schema versions, the error).' }),
  },
  { additionalProperties: false },
);
export type ReadinessCheck = Static<typeof ReadinessCheckSchema>;

/** The collector can take traffic: every readiness check passed. */
export const ReadinessSchema = Type.Object({
  status: Type.Literal('ready', { description: 'Always ready.' }),
  version: Type.String({ description: 'The collector’s version.' }),
  checks: Type.Array(ReadinessCheckSchema, { description: 'Every check, in a fixed order.' }),
});
export type Readiness = Static<typeof ReadinessSchema>;

/** 503 from the readiness route: RFC 9457 problem details naming the failing checks, with every check. */
export const NotReadySchema = Type.Object(
  {
    type: Type.String({ description: `Always ${ProblemTypes.notReady}.` }),
    title: Type.String({ description: 'Always Not Ready.' }),
    status: Type.Integer({ description: 'Always 503.' }),
    detail: Type.String({ description: 'The failing checks, each with what it found.' }),
    instance: Type.Optional(Type.String({ description: 'The path asked for.' })),
    checks: Type.Array(ReadinessCheckSchema, { description: 'Every check, the failing ones with what went wrong.' }),
  },
  { description: 'RFC 9457 problem details (application/problem+json) naming the checks that failed.' },
);
export type NotReady = Static<typeof NotReadySchema>;

export const HEALTH_EXAMPLE: Health = { status: 'ok', version: '0.1.0' };

export const READINESS_EXAMPLE: Readiness = {
  status: 'ready',
  version: '0.1.0',
  checks: [
    { name: 'writable', ok: true, detail: 'took a write' },
    { name: 'schema', ok: true, detail: 'schema version 11, as expected' },
    { name: 'disk-space', ok: true, detail: '41.2 GiB free, minimum 128 MiB' },
  ],
};
