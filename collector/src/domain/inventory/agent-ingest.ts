import type { Snapshot, SnapshotAck, SnapshotDelta } from '@stocktake/shared';
import type { PeerAgentKind } from '@stocktake/shared/api';
import { reportOfDelta, reportOfSnapshot } from '../usage/logins.ts';
import type { SoftwareUsage, UsageReport } from '../usage/ports.ts';
import type { ReportingAgent } from './device-resolution.ts';
import { agentMismatch, pushRefused } from './errors.ts';
import type { DeviceInventory, IngestResult } from './ports.ts';
import { computeSectionHashes } from './section-hashes.ts';

/** Where ingest says what it stored: an object first, a short message after (pino's order). */
export interface IngestLog {
  info(fields: Record<string, unknown>, message: string): void;
}

export interface IngestContext {
  /** Bytes the snapshot took on the wire (the request body, or the websocket message). */
  sizeBytes?: number;
  log: IngestLog;
  /** The snapshot was converted from another tool's agent's report, of this kind. */
  peer?: PeerAgentKind;
}

const sized = (sizeBytes: number | undefined) =>
  sizeBytes !== undefined && Number.isSafeInteger(sizeBytes) && sizeBytes > 0 ? { sizeBytes } : {};

const counts = (result: IngestResult) => ({
  duplicate: result.duplicate,
  softwareAdded: result.softwareAdded,
  softwareRemoved: result.softwareRemoved,
  changes: result.changes,
});

/**
 * Storing what an agent pushed, whatever carried it (`POST /api/v1/agent/snapshots` and
 * `/deltas`, or the live channel's `snapshot` and `delta` messages): the checks beyond the
 * schema, the write, the log line and the acknowledgement. A refusal rejects the promise with a
 * domain error (a ValidationError, or ResyncNeeded for a delta against another base), which each
 * transport maps to the same problem body.
 *
 * Everything up to the inventory's ingest call runs synchronously, and the inventory queues an
 * ingest before returning: ingests called in the order they arrived are applied in that order.
 * The promise settles once the ingest is durable.
 */
export function createAgentIngest(inventory: DeviceInventory, usage?: SoftwareUsage) {
  // Use and logins are stored after the snapshot, before the acknowledgement: a failure is
  // answered as one, and the agent's resend (a duplicate) stores them again; a day only moves
  // forward, so storing them twice changes nothing.
  const withUsage = async (ack: SnapshotAck, report: UsageReport, at: string): Promise<SnapshotAck> => {
    if (!usage) return ack;
    await usage.record(ack.deviceId, report, new Date(at));
    return { ...ack, accepts: ['usage'] };
  };
  return {
    snapshot(agent: ReportingAgent, snapshot: Snapshot, ctx: IngestContext): Promise<SnapshotAck> {
      if (snapshot.agent.id !== undefined && snapshot.agent.id !== agent.id) {
        return Promise.reject(agentMismatch('Snapshot'));
      }
      // Only the collector says a snapshot came from another tool's agent: a Stocktake agent's says nothing or `stocktake`.
      if ((snapshot.agent.kind ?? 'stocktake') !== (ctx.peer ?? 'stocktake')) {
        return Promise.reject(
          pushRefused("Snapshot agent kind is not the reporting agent's", [
            { path: '/agent/kind', message: `must be ${ctx.peer ?? 'stocktake'} (or absent) for this agent` },
          ]),
        );
      }
      const { hashes, errors } = computeSectionHashes(snapshot);
      if (errors.length > 0) return Promise.reject(pushRefused('Snapshot sections are inconsistent', errors));
      return inventory.ingestSnapshot(agent, snapshot, hashes, sized(ctx.sizeBytes)).then((result) => {
        ctx.log.info(
          { agentId: agent.id, deviceId: result.deviceId, snapshotId: snapshot.snapshotId, ...counts(result) },
          'snapshot ingested',
        );
        const ack = { snapshotId: snapshot.snapshotId, deviceId: result.deviceId, duplicate: result.duplicate };
        return withUsage(ack, reportOfSnapshot(snapshot), snapshot.collectedAt);
      });
    },

    delta(agent: ReportingAgent, delta: SnapshotDelta, ctx: IngestContext): Promise<SnapshotAck> {
      if (delta.agent.id !== undefined && delta.agent.id !== agent.id) return Promise.reject(agentMismatch('Delta'));
      return inventory.ingestDelta(agent, delta, sized(ctx.sizeBytes)).then((result) => {
        ctx.log.info(
          {
            agentId: agent.id,
            deviceId: result.deviceId,
            snapshotId: delta.snapshotId,
            baseSnapshotId: delta.baseSnapshotId,
            ...counts(result),
          },
          'delta ingested',
        );
        const ack = { snapshotId: delta.snapshotId, deviceId: result.deviceId, duplicate: result.duplicate };
        return withUsage(ack, reportOfDelta(delta), delta.collectedAt);
      });
    },
  };
}

export type AgentIngest = ReturnType<typeof createAgentIngest>;
