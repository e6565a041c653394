import type { Snapshot } from '@stocktake/shared';
import { serialKey, uuidKey } from '../matching/identifiers.ts';

/** The agent a snapshot came from, as ingest needs it. */
export interface ReportingAgent {
  id: string;
  /** The device it reported on last, if any. */
  deviceId: string | null;
  enrolledAt: string;
}

/** What resolution needs of a stored device. */
export interface ResolvableDevice {
  id: string;
  /** The agent whose snapshots the device follows. */
  agentId: string | null;
  macs: string[];
}

/** What an agent has reported on its own device: since when, and how many snapshots. */
export interface ReportHistory {
  since: string;
  count: number;
}

/** The reads resolution makes, inside the ingest's transaction. */
export interface ResolutionLookups<D extends ResolvableDevice> {
  deviceById(id: string): D | undefined;
  /** Up to two devices with this serial and this UUID (or, without a UUID, with none either). */
  devicesWithSerial(serialKey: string, uuidKey: string | undefined): D[];
  /** When an agent last reported and whether it was revoked; undefined for an unknown agent. */
  agentActivity(agentId: string): { lastSeenAt: string | null; revokedAt: string | null } | undefined;
  /** The device another agent follows that this agent's hardware claims, while the claim is open. */
  claimOf(agentId: string): string | null;
  /** The snapshots stored on a device so far. */
  reportsOn(deviceId: string): ReportHistory;
  /** Whether an admin blocked other agents from taking this device over. */
  deviceBlocked(deviceId: string): boolean;
  /** Whether an admin blocked agents reporting this serial (as `serialKey` gives it). */
  serialBlocked(serialKey: string): boolean;
}

/**
 * When a device moves to the newer agent its hardware claims without a person deciding: the
 * agent it follows has been silent for longer than its schedule allows plus a grace, and the
 * newer agent has reported this often since (on its own device, while the claim was open).
 */
export interface HandoverRule {
  silenceMs: number;
  minReports: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Snapshots do not carry the agent's schedule, so the window assumes the agent's default (an
 * inventory every hour) and adds a day of grace: a machine switched off overnight or over a
 * long weekend does not lose its device, and a reinstalled one moves back within a day or two.
 */
export const DEFAULT_HANDOVER: HandoverRule = { silenceMs: 25 * HOUR_MS, minReports: 3 };

export interface Resolution<D> {
  /** Undefined: the snapshot goes on a device new to the collector. */
  device?: D;
  /** The agent the device followed until now, when this one takes it over (a reinstall). */
  replacedAgent?: string;
  /**
   * The device another agent follows that this agent's hardware claims: the snapshot goes on a
   * device of its own, and the claim stays open (an identity conflict) until evidence or an
   * admin settles it. Null: an open claim is void (its device is gone or already this agent's).
   */
  claims?: string | null;
  /** The agent's own device while its claim was open: merged into `device`, which it takes over. */
  mergedFrom?: D;
  /** An admin blocked what this agent reports: nothing is stored. */
  blocked?: 'device' | 'serial';
}

/** When resolution runs, and the rule for moving a device without a person. */
export interface ResolutionContext {
  now: Date;
  handover: HandoverRule;
}

/**
 * Which device a snapshot describes. An agent reports on its own device. A new agent whose
 * firmware serial equals a known device's, and so does its UUID (or, where neither side can
 * read a UUID, a MAC of theirs is the same), describes that machine: it takes the device when
 * nobody follows it, or when its agent was revoked (without blocking the device). A device
 * another live agent follows is never taken on the new agent's word: the new agent gets a
 * device of its own and an open claim on the other (an identity conflict), which moves the
 * device to it only by evidence (see `settleClaim`) or by an admin (adoption).
 *
 * An agent whose device moved to another agent, yet still reports, is split off onto a device of
 * its own with a claim on its old one: two live installations are never merged into one device.
 * A new agent reporting a blocked device or serial is refused.
 */
export function resolveDevice<D extends ResolvableDevice>(
  agent: ReportingAgent,
  identity: Snapshot['identity'],
  look: ResolutionLookups<D>,
  ctx: ResolutionContext,
): Resolution<D> {
  if (agent.deviceId) {
    const own = look.deviceById(agent.deviceId);
    if (own && (own.agentId === null || own.agentId === agent.id)) return settleClaim(agent, own, look, ctx);
    // Its device moved to another agent, yet this one still reports: a device of its own, and
    // a claim on the old one, so that a device taken by mistake (or by an impostor) shows.
    if (own) return { claims: own.id };
  }
  const serial = serialKey(identity.hardwareSerial);
  if (!serial) return {};
  if (look.serialBlocked(serial)) return { blocked: 'serial' };
  const uuid = uuidKey(identity.hardwareUuid);
  const macs = new Set(identity.macs);
  const candidates = look.devicesWithSerial(serial, uuid).filter((d) => uuid || d.macs.some((m) => macs.has(m)));
  const [candidate] = candidates;
  if (!candidate || candidates.length > 1 || candidate.agentId === agent.id) return {};
  if (look.deviceBlocked(candidate.id)) return { blocked: 'device' };
  if (!candidate.agentId) return { device: candidate };
  const previous = look.agentActivity(candidate.agentId);
  if (!previous || previous.revokedAt) return { device: candidate, replacedAgent: candidate.agentId };
  return { claims: candidate.id };
}

/**
 * An agent on its own device whose claim on another is open: the device moves to it when the
 * agent that device follows was revoked since (without a block), or has been silent for longer
 * than the rule allows, has not reported at all since this agent's first snapshot (else both
 * are alive: a clone, or two systems on one machine), and this agent has reported often enough.
 */
function settleClaim<D extends ResolvableDevice>(
  agent: ReportingAgent,
  own: D,
  look: ResolutionLookups<D>,
  ctx: ResolutionContext,
): Resolution<D> {
  const claimedId = look.claimOf(agent.id);
  if (!claimedId) return { device: own };
  const claimed = look.deviceById(claimedId);
  if (!claimed || claimed.agentId === agent.id || claimed.id === own.id) return { device: own, claims: null };
  if (look.deviceBlocked(claimed.id)) return { device: own };
  const previous = claimed.agentId ? look.agentActivity(claimed.agentId) : undefined;
  if (previous && !previous.revokedAt) {
    const history = look.reportsOn(own.id);
    const lastSeen = previous.lastSeenAt === null ? Number.NEGATIVE_INFINITY : Date.parse(previous.lastSeenAt);
    const overlapped = lastSeen >= Date.parse(history.since);
    const silentLongEnough = ctx.now.getTime() - lastSeen > ctx.handover.silenceMs;
    // The snapshot being stored counts as one more report.
    const reportedEnough = history.count + 1 >= ctx.handover.minReports;
    if (overlapped || !silentLongEnough || !reportedEnough) return { device: own };
  }
  return {
    device: claimed,
    mergedFrom: own,
    claims: null,
    ...(claimed.agentId ? { replacedAgent: claimed.agentId } : {}),
  };
}
