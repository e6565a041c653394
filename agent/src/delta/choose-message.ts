import { type AgentMessage, diffSnapshot, type Snapshot } from '@stocktake/shared/core';

export interface MessagePolicy {
  now: number;
  /** A full snapshot at least this often (0: always full). */
  fullEveryMs: number;
  /** collectedAt (ms) of the newest full snapshot queued or acknowledged. */
  lastFullAt?: number;
  /** False after a collector answered that it has no delta route. */
  deltasSupported: boolean;
  forceFull?: boolean;
}

/**
 * Full or delta. A delta needs a base: the full form of the snapshot queued just before
 * (`tip`), since the collector will have stored that one by the time this one arrives.
 */
export function chooseMessage(tip: Snapshot | undefined, snapshot: Snapshot, policy: MessagePolicy): AgentMessage {
  const fullDue =
    policy.fullEveryMs === 0 || policy.lastFullAt === undefined || policy.now - policy.lastFullAt >= policy.fullEveryMs;
  if (!tip || fullDue || policy.forceFull || !policy.deltasSupported) return snapshot;
  // A delta cannot take usage away (it only adds what changed): metering turned off goes in full.
  if (tip.usage && !snapshot.usage) return snapshot;
  return diffSnapshot(tip, snapshot);
}
