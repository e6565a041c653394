import type { ClaimKind } from '@stocktake/shared/api';
import { macKey } from '../matching/identifiers.ts';

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

/** What an agent has reported on its own device: since when, and how many snapshots. */
export interface ReportHistory {
  since: string;
  count: number;
}

/** A stored device: which agent it follows, and the network hardware it reported last. */
export interface StoredDevice {
  id: string;
  /** The agent whose snapshots the device follows. */
  agentId: string | null;
  macs: readonly string[];
}

/** A device another agent may follow, as the policy weighs taking it over. */
export interface KnownDevice extends StoredDevice {
  /** An admin blocked other agents from taking it over. */
  blocked: boolean;
  /** It follows another tool's agent (OCS Inventory, FusionInventory, GLPI Agent), not a Stocktake agent. */
  followedByPeer?: boolean;
  /** Its agent's activity; undefined when it follows nobody or an agent the collector no longer knows. */
  follower?: { lastSeenAt: string | null; revokedAt: string | null };
}

/** Everything the collector knows, when a snapshot arrives, that bears on which device it describes. */
export interface IdentityEvidence {
  /** The agent that sent it. */
  agentId: string;
  /** A Stocktake agent sent it (not another tool's agent, whose reports the collector converts). */
  fromStocktakeAgent?: boolean;
  /** The MACs the snapshot reports. */
  macs: readonly string[];
  /** The device the agent reported on last, while it exists. */
  own?: StoredDevice;
  /**
   * The agent's open claim on another device's hardware (device null: that device is gone),
   * what kind of claim it is, and what the agent reported on its own device since.
   */
  claim?: { device: KnownDevice | null; kind: ClaimKind; history: ReportHistory };
  /**
   * Without a device of its own: what its hardware says. `unusable`: no serial worth matching;
   * `blocked`: an admin blocked the serial; otherwise the one known device reporting this serial
   * and UUID (or, where neither side has a UUID, this serial and a MAC), if exactly one does.
   */
  hardware?: { serial: 'unusable' | 'blocked'; device?: undefined } | { serial: 'usable'; device?: KnownDevice };
  /**
   * A Stocktake agent without a usable serial: the one device another tool's agent follows under
   * the same host name, whose hardware says nothing against it (no serial either, no other
   * network hardware), if exactly one does. The firmware of virtual machines and containers often
   * gives no serial; the host name is then what the two agents on one machine share.
   */
  peerMachine?: KnownDevice;
}

/** What the policy decided. */
export type IdentityDecision =
  /** The snapshot goes on the agent's own device; an open claim stays open, or is void (the claimed device is gone or already the agent's). */
  | { kind: 'continue'; claim: 'none' | 'open' | 'void' }
  /**
   * The same machine under a new agent (a reinstall): the snapshot continues the known device,
   * which follows this agent from now on. `mergesOwn`: the device the agent reported on while its
   * claim was open is folded in.
   */
  | { kind: 'reinstall'; deviceId: string; replacesAgent: string | null; mergesOwn: boolean }
  /** A device new to the collector; with a conflict when it reports the hardware of another. */
  | { kind: 'new-device'; conflict?: { kind: ClaimKind; deviceId: string } }
  /** An admin blocked what this agent reports: nothing is stored. */
  | { kind: 'blocked'; by: 'device' | 'serial' };

/**
 * Two installations on different network hardware: both report MACs and none is shared. Same
 * serial and UUID then means a copied machine (a VM cloned with its firmware identity), never a
 * reinstall: a reinstalled system keeps its NICs. Without MACs on either side nothing is known.
 */
export function differentNetworkHardware(known: readonly string[], reported: readonly string[]): boolean {
  const keys = (macs: readonly string[]) => new Set(macs.flatMap((m) => macKey(m) ?? []));
  const a = keys(known);
  const b = keys(reported);
  if (a.size === 0 || b.size === 0) return false;
  for (const mac of b) if (a.has(mac)) return false;
  return true;
}

/** The kind of conflict a snapshot reporting another device's hardware raises. */
function conflictWith(device: StoredDevice, macs: readonly string[]) {
  const kind: ClaimKind = differentNetworkHardware(device.macs, macs) ? 'cloned_machine' : 'claimed_identity';
  return { kind: 'new-device' as const, conflict: { kind, deviceId: device.id } };
}

/**
 * The identity policy: which device a snapshot describes, from the evidence alone.
 *
 * - An agent reports on its own device. If that device has since moved to another agent and
 *   this one still reports, it gets a device of its own with a conflict on the old one: two live
 *   installations are never one device.
 * - A new agent whose hardware is a known device's is that machine reinstalled, and continues
 *   it, when nobody follows the device or its agent was revoked; when it reports other network
 *   hardware it is a clone, a device of its own with a `cloned_machine` conflict. A device
 *   another live agent follows is never taken on the new agent's word: the new agent gets a
 *   device of its own and a `claimed_identity` conflict, a claim on the other.
 * - A claim moves the device to its agent by evidence: the old agent revoked, or silent past the
 *   rule's window without having reported since the claimant started (else both are alive), and
 *   the claimant reported often enough. A clone's conflict never moves anything: a person
 *   decides (adopt, merge, delete).
 * - A Stocktake agent whose hardware is a device another tool's agent follows takes it over
 *   (a machine moving to Stocktake's agent); without a serial, the same host name with no other
 *   network hardware is that evidence.
 * - A blocked device or serial refuses the snapshot.
 */
export function decideIdentity(evidence: IdentityEvidence, rule: HandoverRule, now: Date): IdentityDecision {
  const { own } = evidence;
  if (own) {
    if (own.agentId !== null && own.agentId !== evidence.agentId) return conflictWith(own, evidence.macs);
    return settleClaim(evidence, own, rule, now);
  }
  const hardware = evidence.hardware;
  if (evidence.peerMachine && hardware?.serial !== 'blocked') return fromPeerAgent(evidence.peerMachine);
  if (!hardware || hardware.serial === 'unusable') return { kind: 'new-device' };
  if (hardware.serial === 'blocked') return { kind: 'blocked', by: 'serial' };
  const known = hardware.device;
  if (!known) return { kind: 'new-device' };
  if (known.blocked) return { kind: 'blocked', by: 'device' };
  if (differentNetworkHardware(known.macs, evidence.macs)) return conflictWith(known, evidence.macs);
  if (known.agentId === null) return { kind: 'reinstall', deviceId: known.id, replacesAgent: null, mergesOwn: false };
  if (known.followedByPeer && evidence.fromStocktakeAgent) return fromPeerAgent(known);
  if (!known.follower || known.follower.revokedAt) {
    return { kind: 'reinstall', deviceId: known.id, replacesAgent: known.agentId, mergesOwn: false };
  }
  return conflictWith(known, evidence.macs);
}

/**
 * A machine moving from another tool's agent to a Stocktake agent: the Stocktake agent takes
 * the device over at once, its history continuing, and the other agent is retired (its later
 * reports are refused), so the machine never shows twice. Not the other way round: another
 * tool's agent never takes a device from a Stocktake agent.
 */
function fromPeerAgent(device: KnownDevice): IdentityDecision {
  if (device.blocked) return { kind: 'blocked', by: 'device' };
  return { kind: 'reinstall', deviceId: device.id, replacesAgent: device.agentId, mergesOwn: false };
}

/** An agent on its own device: whether its open claim, if any, now moves the claimed device to it. */
function settleClaim(evidence: IdentityEvidence, own: StoredDevice, rule: HandoverRule, now: Date): IdentityDecision {
  const { claim } = evidence;
  if (!claim) return { kind: 'continue', claim: 'none' };
  const claimed = claim.device;
  if (!claimed || claimed.agentId === evidence.agentId || claimed.id === own.id) {
    return { kind: 'continue', claim: 'void' };
  }
  if (claimed.blocked) return { kind: 'continue', claim: 'open' };
  if (claim.kind === 'cloned_machine' || differentNetworkHardware(claimed.macs, evidence.macs)) {
    return { kind: 'continue', claim: 'open' };
  }
  const previous = claimed.follower;
  if (claimed.agentId && previous && !previous.revokedAt) {
    const lastSeen = previous.lastSeenAt === null ? Number.NEGATIVE_INFINITY : Date.parse(previous.lastSeenAt);
    const overlapped = lastSeen >= Date.parse(claim.history.since);
    const silentLongEnough = now.getTime() - lastSeen > rule.silenceMs;
    // The snapshot being stored counts as one more report.
    const reportedEnough = claim.history.count + 1 >= rule.minReports;
    if (overlapped || !silentLongEnough || !reportedEnough) return { kind: 'continue', claim: 'open' };
  }
  return { kind: 'reinstall', deviceId: claimed.id, replacesAgent: claimed.agentId, mergesOwn: true };
}
