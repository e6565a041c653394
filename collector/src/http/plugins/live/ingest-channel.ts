import {
  type CollectorLiveMessage,
  LIVE_CHANNEL_PATH,
  LiveCloseCodes,
  LiveDeltaMessageSchema,
  LiveMessageIdSchema,
  LiveSnapshotMessageSchema,
  ProblemTypes,
  type Snapshot,
  type SnapshotAck,
  type SnapshotDelta,
  SnapshotDeltaSchema,
  SnapshotSchema,
} from '@stocktake/shared';
import type { FastifyBaseLogger } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Agent } from '../../../domain/access/ports.ts';
import type { AgentIngest } from '../../../domain/inventory/agent-ingest.ts';
import { type BudgetAnswer, budgetProblem } from '../access/agent-budget.ts';
import { fromDomainError } from '../problems/index.ts';
import { HttpProblem } from '../problems/problem.ts';
import { type SchemaIssue, schemaProblem } from '../problems/schema-problem.ts';
import { validatorCompiler } from '../validator-compiler.ts';

/**
 * Ingests one socket may have waiting for their commit before the collector stops reading from
 * it (ws pause): an agent that sends without waiting for acks cannot queue without bound.
 */
export const MAX_IN_FLIGHT_PER_SOCKET = 64;

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

export interface IngestChannelDeps {
  ingest: AgentIngest;
  /** The agent holding the socket's token now, or undefined once the token is revoked. */
  authenticate: () => Promise<Agent | undefined>;
  /** Largest message taken, in bytes. */
  limit: number;
  /** Takes a message of this many bytes from the agent's budget (the HTTP routes draw on the same one). */
  budget?: (bytes: number) => BudgetAnswer;
  send: (message: CollectorLiveMessage) => void;
  close: (code: number, reason: string) => void;
  /** Stop and restart reading from the socket. */
  pause: () => void;
  resume: () => void;
  log: FastifyBaseLogger;
}

/**
 * Snapshots and deltas on one agent's live channel. Every message is answered with its id: an
 * `ack` once the batch holding its ingest has committed, or an `error` carrying the problem the
 * HTTP route would have answered with. The checks of the message itself run as it arrives; the
 * token check and the ingest run in the order the messages were sent.
 */
export function createIngestChannel(deps: IngestChannelDeps) {
  let inFlight = 0;
  let paused = false;
  /** Settles once the latest message has been handed to the ingest (or refused). */
  let handedOver: Promise<void> = Promise.resolve();

  const refuse = (id: string, problem: HttpProblem) => {
    deps.log.info(
      { id, status: problem.status, type: problem.type, detail: problem.detail },
      'live channel: ingest refused',
    );
    deps.send({ type: 'error', id, status: problem.status, problem: problem.toProblem(LIVE_CHANNEL_PATH) });
  };

  const settled = () => {
    inFlight--;
    if (paused && inFlight <= MAX_IN_FLIGHT_PER_SOCKET / 2) {
      paused = false;
      deps.resume();
    }
  };

  return {
    /** A message `ingestMessageId` recognised, `bytes` long on the wire. */
    receive(message: object, { kind, id }: { kind: IngestKind; id: string }, bytes: number): void {
      if (bytes > deps.limit) {
        refuse(
          id,
          new HttpProblem(
            413,
            ProblemTypes.payloadTooLarge,
            'Payload Too Large',
            `Message of ${bytes} bytes exceeds the limit of ${deps.limit} bytes (the snapshot body limit and the message envelope)`,
          ),
        );
        return;
      }
      const allowed = deps.budget?.(bytes);
      if (allowed && !allowed.ok) {
        refuse(id, budgetProblem(allowed));
        return;
      }
      const envelope = envelopes[kind];
      if (!envelope.Check(message)) {
        refuse(id, schemaProblem([...envelope.Errors(message)], 'message'));
        return;
      }
      const payload = (message as Partial<Record<IngestKind, unknown>>)[kind];
      const checked = bodies[kind](payload);
      if (checked.error) {
        refuse(id, schemaProblem(checked.error, 'body'));
        return;
      }
      inFlight++;
      if (!paused && inFlight >= MAX_IN_FLIGHT_PER_SOCKET) {
        paused = true;
        deps.pause();
      }
      // The token was checked at the upgrade; a revocation since then refuses what follows, as
      // the next HTTP request would be refused. The check is asynchronous, so each message waits
      // for the one before it to be handed to the ingest: one socket's ingests reach the write
      // batcher in the order they were sent (waiting for the hand-over, not the commit).
      const submitted = handedOver.then(async () => {
        const agent = await deps.authenticate();
        if (!agent) return undefined;
        const ctx = { sizeBytes: bytes, log: deps.log };
        // Wrapped, so that this step settles when the ingest is submitted rather than committed.
        return {
          ack:
            kind === 'snapshot'
              ? deps.ingest.snapshot(agent, payload as Snapshot, ctx)
              : deps.ingest.delta(agent, payload as SnapshotDelta, ctx),
        };
      });
      handedOver = submitted.then(
        () => undefined,
        () => undefined,
      );
      const ingested: Promise<SnapshotAck | undefined> = submitted.then((step) => {
        if (step) return step.ack;
        refuse(id, HttpProblem.unauthorized('Agent token is unknown or revoked'));
        deps.close(LiveCloseCodes.unauthorized, 'agent token is unknown or revoked');
        return undefined;
      });
      ingested
        .then(
          (ack) => {
            if (ack) deps.send({ type: 'ack', id, ...ack });
          },
          (err: unknown) => {
            const problem = err instanceof HttpProblem ? err : fromDomainError(err);
            if (problem) return refuse(id, problem);
            deps.log.error({ err, id }, 'live channel: ingest failed');
            refuse(
              id,
              new HttpProblem(
                500,
                ProblemTypes.internal,
                'Internal Server Error',
                'The collector failed; see its log.',
              ),
            );
          },
        )
        .finally(settled)
        .catch((err: unknown) => deps.log.error({ err, id }, 'live channel: answer failed'));
    },
  };
}
