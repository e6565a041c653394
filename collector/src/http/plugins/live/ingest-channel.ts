import {
  type CollectorLiveMessage,
  LIVE_CHANNEL_PATH,
  LiveCloseCodes,
  ProblemTypes,
  type Snapshot,
  type SnapshotAck,
  type SnapshotDelta,
} from '@stocktake/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Agent } from '../../../domain/access/ports.ts';
import type { AgentIngest } from '../../../domain/inventory/agent-ingest.ts';
import { type BudgetAnswer, budgetProblem } from '../access/agent-budget.ts';
import { fromDomainError } from '../problems/index.ts';
import { HttpProblem } from '../problems/problem.ts';
import { schemaProblem } from '../problems/schema-problem.ts';
import { checkIngestMessage, type IngestKind, type IngestMessageCheck } from './ingest-message.ts';

/**
 * Ingests one socket may have waiting for their commit before the collector stops reading from
 * it (ws pause): an agent that sends without waiting for acks cannot queue without bound.
 */
export const MAX_IN_FLIGHT_PER_SOCKET = 64;

export { type IngestKind, ingestMessageId } from './ingest-message.ts';

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
      if (!admitted(id, bytes)) return;
      admitChecked({ kind, id }, bytes, checkIngestMessage(kind, message));
    },

    /**
     * A message whose envelope and body were checked elsewhere (a large frame, in the large-body
     * thread): refused for its size or the agent's budget first, as `receive` refuses it.
     */
    receiveChecked(target: { kind: IngestKind; id: string }, bytes: number, checked: IngestMessageCheck): void {
      if (!admitted(target.id, bytes)) return;
      admitChecked(target, bytes, checked);
    },
  };

  /** Refuses a message over the size limit or the agent's budget; true when it may go on. */
  function admitted(id: string, bytes: number): boolean {
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
      return false;
    }
    const allowed = deps.budget?.(bytes);
    if (allowed && !allowed.ok) {
      refuse(id, budgetProblem(allowed));
      return false;
    }
    return true;
  }

  /** Refuses a message whose envelope or body broke the schema, or hands its payload to the ingest. */
  function admitChecked({ kind, id }: { kind: IngestKind; id: string }, bytes: number, checked: IngestMessageCheck) {
    if (checked.envelope) {
      refuse(id, schemaProblem(checked.envelope, 'message'));
      return;
    }
    if (checked.body) {
      refuse(id, schemaProblem(checked.body, 'body'));
      return;
    }
    const { payload } = checked;
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
            new HttpProblem(500, ProblemTypes.internal, 'Internal Server Error', 'The collector failed; see its log.'),
          );
        },
      )
      .finally(settled)
      .catch((err: unknown) => deps.log.error({ err, id }, 'live channel: answer failed'));
  }
}
