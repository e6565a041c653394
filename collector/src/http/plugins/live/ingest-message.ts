import {
  LiveDeltaMessageSchema,
  LiveMessageIdSchema,
  LiveSnapshotMessageSchema,
  SnapshotDeltaSchema,
  SnapshotSchema,
} from '@stocktake/shared';
import Type, { type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { SchemaIssue } from '../problems/schema-problem.ts';
import { validatorCompiler } from '../validator-compiler.ts';

/**
 * What makes a live channel frame an ingest message, and its checks: plain functions of the
 * message, run where the frame arrived or, for a large frame, in the large-body thread.
 */

export type IngestKind = 'snapshot' | 'delta';

const checkId = Compile(LiveMessageIdSchema);

/**
 * The kind and id of a snapshot or delta message, when it has an id the collector can answer
 * to; anything else is not an ingest message the channel can refuse politely.
 */
export function ingestMessageId(value: unknown): { kind: IngestKind; id: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { type, id } = value as { type?: unknown; id?: unknown };
  if (type !== 'snapshot' && type !== 'delta') return undefined;
  return checkId.Check(id) ? { kind: type, id: id as string } : undefined;
}

/** The message around the payload, payload left unchecked: it is checked as the HTTP route checks its body. */
const envelopes = {
  snapshot: Compile(
    Type.Object({ ...LiveSnapshotMessageSchema.properties, snapshot: Type.Unknown() }, { additionalProperties: false }),
  ),
  delta: Compile(
    Type.Object({ ...LiveDeltaMessageSchema.properties, delta: Type.Unknown() }, { additionalProperties: false }),
  ),
};

type BodyCheck = (value: unknown) => { value?: unknown; error?: SchemaIssue[] };

/** The validator the HTTP routes use for their body, compiled by the same compiler from the same schema. */
const bodyCheck = (schema: TSchema, url: string): BodyCheck =>
  validatorCompiler({ schema, method: 'POST', url, httpPart: 'body' }) as BodyCheck;
const bodies: Record<IngestKind, BodyCheck> = {
  snapshot: bodyCheck(SnapshotSchema, '/api/v1/agent/snapshots'),
  delta: bodyCheck(SnapshotDeltaSchema, '/api/v1/agent/deltas'),
};

/** An ingest message checked: why its envelope or its body was refused, or its payload. */
export type IngestMessageCheck =
  | { envelope: SchemaIssue[]; body?: undefined; payload?: undefined }
  | { envelope?: undefined; body: SchemaIssue[]; payload?: undefined }
  | { envelope?: undefined; body?: undefined; payload: unknown };

/** Plain issues (no references into the schema), so they cross between threads as they are. */
const plain = (issues: readonly SchemaIssue[]): SchemaIssue[] =>
  issues.map(({ instancePath, schemaPath, keyword, message, params }) => ({
    instancePath,
    keyword,
    ...(schemaPath !== undefined ? { schemaPath } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(params !== undefined ? { params: structuredClone(params) } : {}),
  }));

/** Checks the envelope of a `kind` message, then its payload as the HTTP route checks its body. */
export function checkIngestMessage(kind: IngestKind, message: object): IngestMessageCheck {
  const envelope = envelopes[kind];
  if (!envelope.Check(message)) return { envelope: plain([...envelope.Errors(message)] as SchemaIssue[]) };
  const payload = (message as Partial<Record<IngestKind, unknown>>)[kind];
  const checked = bodies[kind](payload);
  return checked.error ? { body: plain(checked.error) } : { payload };
}
