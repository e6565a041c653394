import type { Snapshot, SnapshotAck, SnapshotDelta } from '@stocktake/shared';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { HttpProblem } from '../../http/plugins/problems/problem.ts';
import type { DevicesRepository } from '../../store/sqlite/devices/devices-repository.ts';
import type { WriteBatcher } from '../../store/sqlite/write-batcher.ts';
import type { Agent } from '../access/ports.ts';
import { createDeltaIngest, type DeltaIngest, InvalidDelta, ResyncNeeded } from './delta-ingest.ts';
import { computeSectionHashes } from './section-hashes.ts';

export interface AgentIngestDeps {
  writeBatcher: WriteBatcher;
  devicesRepository: DevicesRepository;
  deltaIngest: DeltaIngest;
}

export interface IngestContext {
  /** Bytes the snapshot took on the wire (the request body, or the websocket message). */
  sizeBytes?: number;
  log: FastifyBaseLogger;
}

const agentIdMismatch = (what: string) =>
  HttpProblem.validation(`${what} agent id does not match the token`, [
    { path: '/agent/id', message: 'is not the id of the agent holding this token' },
  ]);

const sized = (sizeBytes: number | undefined) =>
  sizeBytes !== undefined && Number.isSafeInteger(sizeBytes) && sizeBytes > 0 ? { sizeBytes } : {};

/**
 * Storing what an agent pushed, whatever carried it (`POST /api/v1/agent/snapshots` and
 * `/deltas`, or the live channel's `snapshot` and `delta` messages): the checks beyond the
 * schema, the write through the group-commit batcher, the log line and the acknowledgement.
 * A refusal rejects the promise with an HttpProblem, so each transport answers with the same
 * problem body.
 *
 * Everything up to `writeBatcher.submit` runs synchronously: the batcher runs units in the
 * order they were submitted, so ingests submitted in the order they arrived are applied in
 * that order. The promise settles once the batch holding the ingest has committed.
 */
export function createAgentIngest(deps: AgentIngestDeps) {
  const { writeBatcher, devicesRepository, deltaIngest } = deps;

  return {
    snapshot(agent: Agent, snapshot: Snapshot, ctx: IngestContext): Promise<SnapshotAck> {
      if (snapshot.agent.id !== undefined && snapshot.agent.id !== agent.id) {
        return Promise.reject(agentIdMismatch('Snapshot'));
      }
      const { hashes, errors } = computeSectionHashes(snapshot);
      if (errors.length > 0) {
        return Promise.reject(HttpProblem.validation('Snapshot sections are inconsistent', errors));
      }
      return writeBatcher
        .submit(() => devicesRepository.ingest(agent, snapshot, hashes, new Date(), sized(ctx.sizeBytes)))
        .then((result) => {
          ctx.log.info(
            {
              agentId: agent.id,
              deviceId: result.deviceId,
              snapshotId: snapshot.snapshotId,
              duplicate: result.duplicate,
              softwareAdded: result.softwareAdded,
              softwareRemoved: result.softwareRemoved,
              changes: result.changes,
            },
            'snapshot ingested',
          );
          return { snapshotId: snapshot.snapshotId, deviceId: result.deviceId, duplicate: result.duplicate };
        });
    },

    delta(agent: Agent, delta: SnapshotDelta, ctx: IngestContext): Promise<SnapshotAck> {
      if (delta.agent.id !== undefined && delta.agent.id !== agent.id) return Promise.reject(agentIdMismatch('Delta'));
      return writeBatcher
        .submit(() => deltaIngest.ingest(agent, delta, new Date(), sized(ctx.sizeBytes)))
        .then(
          (result) => {
            ctx.log.info(
              {
                agentId: agent.id,
                deviceId: result.deviceId,
                snapshotId: delta.snapshotId,
                baseSnapshotId: delta.baseSnapshotId,
                duplicate: result.duplicate,
                softwareAdded: result.softwareAdded,
                softwareRemoved: result.softwareRemoved,
                changes: result.changes,
              },
              'delta ingested',
            );
            return { snapshotId: delta.snapshotId, deviceId: result.deviceId, duplicate: result.duplicate };
          },
          (err: unknown) => {
            if (err instanceof ResyncNeeded) throw new HttpProblem(409, err.type, 'Resync needed', err.message);
            if (err instanceof InvalidDelta)
              throw HttpProblem.validation('Delta sections are inconsistent', err.errors);
            throw err;
          },
        );
    },
  };
}

export type AgentIngest = ReturnType<typeof createAgentIngest>;

/** The ingest over the app's own services: what each agent route plugin uses. */
export function agentIngestOf(app: FastifyInstance): AgentIngest {
  return createAgentIngest({
    writeBatcher: app.writeBatcher,
    devicesRepository: app.devicesRepository,
    deltaIngest: createDeltaIngest(app.devicesRepository, app.snapshotStore),
  });
}
