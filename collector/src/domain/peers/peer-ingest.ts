import { createHash } from 'node:crypto';
import type { SnapshotAck } from '@stocktake/shared';
import type { Agent, Agents } from '../access/ports.ts';
import type { AuditTrail } from '../audit/ports.ts';
import type { AgentIngest, IngestLog } from '../inventory/agent-ingest.ts';
import type { PeerInventory } from './inventory-tree.ts';
import { toSnapshot } from './to-snapshot.ts';

/**
 * The collector's agent id for another tool's agent: derived from the id that agent keeps for
 * itself (its DEVICEID), so each report finds the same agent, and with it the same device,
 * without the agent holding any credential of ours. Not the kind: an agent upgraded from
 * FusionInventory to GLPI Agent keeps its DEVICEID and stays the same agent.
 */
export function peerAgentId(deviceId: string): string {
  const hex = createHash('sha256').update(`peer-agent\u0000${deviceId}`).digest('hex');
  // Laid out as a UUID (version 8: made by the application) like the ids enrolment issues.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Refused: the agent was revoked (by an admin, or when a Stocktake agent took its device over). */
export class PeerAgentRevoked extends Error {
  constructor() {
    super('This agent was revoked: its machine now reports through a Stocktake agent, or an admin revoked it');
    this.name = 'PeerAgentRevoked';
  }
}

export interface PeerIngestContext {
  /** The address the report came from. */
  address: string;
  sizeBytes?: number;
  log: IngestLog;
}

export interface PeerIngestDeps {
  agents: Agents;
  audit: AuditTrail;
  ingest: AgentIngest;
  now?: () => Date;
}

/**
 * Reports of other tools' agents (OCS Inventory, FusionInventory, GLPI Agent), once admitted
 * at the edge: each is converted into a full snapshot and stored through the same ingest as a
 * Stocktake agent's (`AgentIngest.snapshot`: validation, identity, the diff against the device's
 * last snapshot, the change history, metrics). The agent is enrolled on its first report,
 * audited, under an id derived from its own.
 */
export function createPeerIngest(deps: PeerIngestDeps) {
  const now = deps.now ?? (() => new Date());

  async function agentFor(report: PeerInventory, address: string): Promise<Agent> {
    const id = peerAgentId(report.deviceId);
    const known = await deps.agents.get(id);
    if (known) {
      if (known.revokedAt) throw new PeerAgentRevoked();
      if (known.address !== address) await deps.agents.noteAddress(id, address);
      return known;
    }
    const at = now();
    const hostname = report.content.HARDWARE?.[0]?.NAME;
    const enrolment = {
      id,
      hostname: typeof hostname === 'string' && hostname.trim() ? hostname.trim().slice(0, 255) : report.deviceId,
      version: report.agent.version,
      platform: report.agent.kind,
      address,
    };
    await deps.agents.enrol(enrolment, at);
    await deps.audit.record({
      at,
      actor: `peer:${report.agent.kind}`,
      entityType: 'agent',
      entityId: id,
      action: 'create',
      after: {
        kind: report.agent.kind,
        version: report.agent.version,
        deviceId: report.deviceId,
        hostname: enrolment.hostname,
      },
      context: `first report from ${address}`,
    });
    const enrolled = await deps.agents.get(id);
    if (!enrolled) throw new Error(`peer agent ${id} was not stored`);
    return enrolled;
  }

  return {
    /** Whether an agent with this DEVICEID may send an inventory: unknown ones may, revoked ones not. */
    async mayReport(deviceId: string): Promise<boolean> {
      const known = await deps.agents.get(peerAgentId(deviceId));
      return !known?.revokedAt;
    },

    /** Converts and stores one report; rejects with the domain's errors, as the native ingest does. */
    async report(report: PeerInventory, ctx: PeerIngestContext): Promise<SnapshotAck> {
      const agent = await agentFor(report, ctx.address);
      const { snapshot, skippedSources } = toSnapshot(report, agent.id, now());
      if (Object.keys(skippedSources).length > 0) {
        ctx.log.info({ agentId: agent.id, skippedSources }, 'peer inventory: packages of unknown sources left out');
      }
      return deps.ingest.snapshot({ id: agent.id, deviceId: agent.deviceId, enrolledAt: agent.enrolledAt }, snapshot, {
        ...(ctx.sizeBytes !== undefined ? { sizeBytes: ctx.sizeBytes } : {}),
        log: ctx.log,
        peer: report.agent.kind,
      });
    },
  };
}

export type PeerIngest = ReturnType<typeof createPeerIngest>;
