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
  /** The agent whose snapshots the device follows. */
  agentId: string | null;
  macs: string[];
}

/** The reads resolution makes, inside the ingest's transaction. */
export interface ResolutionLookups<D extends ResolvableDevice> {
  deviceById(id: string): D | undefined;
  /** Up to two devices with this serial and this UUID (or, without a UUID, with none either). */
  devicesWithSerial(serialKey: string, uuidKey: string | undefined): D[];
  /** When an agent last reported and whether it was revoked; undefined for an unknown agent. */
  agentActivity(agentId: string): { lastSeenAt: string | null; revokedAt: string | null } | undefined;
}

export interface Resolution<D> {
  /** Undefined: the snapshot describes a device new to the collector. */
  device?: D;
  /** The agent the device followed until now, when this one takes it over (a reinstall). */
  replacedAgent?: string;
}

/**
 * Which device a snapshot describes. An agent reports on its own device. A new agent is a
 * known machine reinstalled when its firmware serial equals that device's and so does its
 * UUID (or, where neither side can read a UUID, a MAC of theirs is the same): unless the
 * agent that device follows has reported since this one enrolled, for then both are alive
 * (a cloned VM) and this one gets its own device. Likewise an agent whose device was taken
 * over by a newer agent, yet still reports, is split off onto a device of its own: two live
 * installations are never merged into one device.
 */
export function resolveDevice<D extends ResolvableDevice>(
  agent: ReportingAgent,
  identity: Snapshot['identity'],
  look: ResolutionLookups<D>,
): Resolution<D> {
  if (agent.deviceId) {
    const own = look.deviceById(agent.deviceId);
    if (own && (own.agentId === null || own.agentId === agent.id)) return { device: own };
    if (own) return {};
  }
  const serial = serialKey(identity.hardwareSerial);
  if (!serial) return {};
  const uuid = uuidKey(identity.hardwareUuid);
  const macs = new Set(identity.macs);
  const candidates = look.devicesWithSerial(serial, uuid).filter((d) => uuid || d.macs.some((m) => macs.has(m)));
  const [candidate] = candidates;
  if (!candidate || candidates.length > 1 || candidate.agentId === agent.id) return {};
  if (candidate.agentId) {
    const previous = look.agentActivity(candidate.agentId);
    const stillAlive = previous && !previous.revokedAt && previous.lastSeenAt && previous.lastSeenAt > agent.enrolledAt;
    if (stillAlive) return {};
  }
  return { device: candidate, ...(candidate.agentId ? { replacedAgent: candidate.agentId } : {}) };
}
