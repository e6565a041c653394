import type { Snapshot } from '@stocktake/shared';
import type { AgentKind, ClaimKind } from '@stocktake/shared/api';
import { hostnameKey, serialKey, uuidKey } from '../matching/identifiers.ts';
import {
  decideIdentity,
  differentNetworkHardware,
  type HandoverRule,
  type IdentityDecision,
  type IdentityEvidence,
  type KnownDevice,
  type ReportHistory,
} from './identity-policy.ts';

export { DEFAULT_HANDOVER, type HandoverRule, type ReportHistory } from './identity-policy.ts';

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
  /** Which program it follows. */
  agentKind: AgentKind;
  /** Its serial as matching compares it; null when it has none worth matching. */
  serialKey: string | null;
}

/** The reads resolution makes, inside the ingest's transaction. */
export interface ResolutionLookups<D extends ResolvableDevice> {
  deviceById(id: string): D | undefined;
  /**
   * The devices with this serial and this UUID (or, without a UUID, with none either), oldest
   * first, up to SERIAL_CANDIDATES of them.
   */
  devicesWithSerial(serialKey: string, uuidKey: string | undefined): D[];
  /** When an agent last reported and whether it was revoked; undefined for an unknown agent. */
  agentActivity(agentId: string): { lastSeenAt: string | null; revokedAt: string | null } | undefined;
  /** The device another agent follows that this agent's hardware claims, and the claim's kind, while the claim is open. */
  claimOf(agentId: string): { deviceId: string; kind: ClaimKind } | null;
  /** The snapshots stored on a device so far. */
  reportsOn(deviceId: string): ReportHistory;
  /** Whether an admin blocked other agents from taking this device over. */
  deviceBlocked(deviceId: string): boolean;
  /** Whether an admin blocked agents reporting this serial (as `serialKey` gives it). */
  serialBlocked(serialKey: string): boolean;
  /** The devices other tools' agents follow under this host name (as `hostnameKey` gives it), oldest first, up to SERIAL_CANDIDATES. */
  peerDevicesNamed(hostnameKey: string): D[];
}

/** How many devices sharing one serial resolution weighs; the oldest are the likeliest originals. */
export const SERIAL_CANDIDATES = 20;

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
  /** The kind of the claim opened (with `claims`). */
  claimKind?: ClaimKind;
  /** The agent's own device while its claim was open: merged into `device`, which it takes over. */
  mergedFrom?: D;
  /** An admin blocked what this agent reports: nothing is stored. */
  blocked?: 'device' | 'serial';
}

/** When resolution runs, and the rule for moving a device without a person. */
export interface ResolutionContext {
  now: Date;
  handover: HandoverRule;
  /** Which program sent the snapshot (default: a Stocktake agent). */
  agentKind?: AgentKind;
}

/**
 * Which device a snapshot describes: gathers the evidence the identity policy weighs
 * (`decideIdentity`), reading only what can bear on the decision (a device's own agent is not
 * matched by hardware at all), and turns the decision into what ingest writes.
 */
export function resolveDevice<D extends ResolvableDevice>(
  agent: ReportingAgent,
  identity: Snapshot['identity'],
  look: ResolutionLookups<D>,
  ctx: ResolutionContext,
): Resolution<D> {
  const seen = new Map<string, D>();
  const known = (device: D): KnownDevice => {
    seen.set(device.id, device);
    const activity = device.agentId ? look.agentActivity(device.agentId) : undefined;
    return {
      id: device.id,
      agentId: device.agentId,
      macs: device.macs,
      blocked: look.deviceBlocked(device.id),
      followedByPeer: device.agentKind !== 'stocktake',
      ...(activity ? { follower: activity } : {}),
    };
  };
  const fromStocktakeAgent = (ctx.agentKind ?? 'stocktake') === 'stocktake';
  const evidence = gatherEvidence(agent, identity, look, known, seen, fromStocktakeAgent);
  const decision = decideIdentity(evidence, ctx.handover, ctx.now);
  return asResolution(decision, evidence, seen);
}

function gatherEvidence<D extends ResolvableDevice>(
  agent: ReportingAgent,
  identity: Snapshot['identity'],
  look: ResolutionLookups<D>,
  known: (device: D) => KnownDevice,
  seen: Map<string, D>,
  fromStocktakeAgent: boolean,
): IdentityEvidence {
  const base = { agentId: agent.id, macs: identity.macs, fromStocktakeAgent };
  const own = agent.deviceId ? look.deviceById(agent.deviceId) : undefined;
  if (own) {
    const ownFollowed = own.agentId === null || own.agentId === agent.id;
    const claim = ownFollowed ? look.claimOf(agent.id) : null;
    seen.set(own.id, own);
    const ownDevice = { id: own.id, agentId: own.agentId, macs: own.macs };
    if (!claim) return { ...base, own: ownDevice };
    const claimed = look.deviceById(claim.deviceId);
    return {
      ...base,
      own: ownDevice,
      claim: { device: claimed ? known(claimed) : null, kind: claim.kind, history: look.reportsOn(own.id) },
    };
  }
  const serial = serialKey(identity.hardwareSerial);
  if (!serial) {
    const peerMachine = fromStocktakeAgent ? peerMachineNamed(identity, look) : undefined;
    return { ...base, hardware: { serial: 'unusable' }, ...(peerMachine ? { peerMachine: known(peerMachine) } : {}) };
  }
  if (look.serialBlocked(serial)) return { ...base, hardware: { serial: 'blocked' } };
  const uuid = uuidKey(identity.hardwareUuid);
  const macs = new Set(identity.macs);
  // Without a UUID on either side, a serial alone is too weak: a MAC in common must back it.
  const candidates = look.devicesWithSerial(serial, uuid).filter((d) => uuid || d.macs.some((m) => macs.has(m)));
  const candidate = machineOf(candidates, identity.macs);
  if (!candidate || candidate.agentId === agent.id) return { ...base, hardware: { serial: 'usable' } };
  return { ...base, hardware: { serial: 'usable', device: known(candidate) } };
}

/**
 * The one device another tool's agent follows under this snapshot's host name that could be the
 * same machine: no serial of its own and no other network hardware. Undefined when none or
 * several are (several machines under one name: nothing tells which).
 */
function peerMachineNamed<D extends ResolvableDevice>(
  identity: Snapshot['identity'],
  look: ResolutionLookups<D>,
): D | undefined {
  const name = hostnameKey(identity.hostname);
  if (!name) return undefined;
  const possible = look
    .peerDevicesNamed(name)
    .filter((d) => d.serialKey === null && !differentNetworkHardware(d.macs, identity.macs));
  return possible.length === 1 ? possible[0] : undefined;
}

/**
 * Which of the devices reporting this serial and UUID the snapshot's hardware is: the only one;
 * where several are (a machine and its clones), the one sharing a NIC with it, or, when it shares
 * none with any of them, the oldest (the original, as far as the collector can tell: the policy
 * then sees a clone). Undefined when that cannot be told (several share a NIC, or one reports none).
 */
function machineOf<D extends ResolvableDevice>(candidates: D[], macs: readonly string[]): D | undefined {
  if (candidates.length <= 1) return candidates[0];
  const sameNics = candidates.filter((d) => !differentNetworkHardware(d.macs, macs));
  if (sameNics.length === 1) {
    const [only] = sameNics;
    // A device without MACs is no evidence of the same hardware, only of none.
    if (only && only.macs.length > 0 && macs.length > 0) return only;
    return undefined;
  }
  return sameNics.length === 0 ? candidates[0] : undefined;
}

function asResolution<D extends ResolvableDevice>(
  decision: IdentityDecision,
  evidence: IdentityEvidence,
  seen: Map<string, D>,
): Resolution<D> {
  const stored = (id: string | undefined): D | undefined => (id === undefined ? undefined : seen.get(id));
  switch (decision.kind) {
    case 'blocked':
      return { blocked: decision.by };
    case 'new-device':
      return decision.conflict ? { claims: decision.conflict.deviceId, claimKind: decision.conflict.kind } : {};
    case 'continue': {
      const own = stored(evidence.own?.id);
      return { ...(own ? { device: own } : {}), ...(decision.claim === 'void' ? { claims: null } : {}) };
    }
    case 'reinstall': {
      const device = stored(decision.deviceId);
      const mergedFrom = decision.mergesOwn ? stored(evidence.own?.id) : undefined;
      return {
        ...(device ? { device } : {}),
        ...(decision.replacesAgent ? { replacedAgent: decision.replacesAgent } : {}),
        ...(mergedFrom ? { mergedFrom, claims: null } : {}),
      };
    }
  }
}
