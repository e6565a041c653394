import type {
  Hardware,
  Os,
  PatchState,
  SectionName,
  Snapshot,
  SnapshotDelta,
  SoftwareItem,
  Users,
} from '@stocktake/shared';
import type { AgentKind, DeviceChange, DeviceComponent, DeviceDeletion, DeviceMerge } from '@stocktake/shared/api';
import type { SectionStates } from './device-changes.ts';
import type { HandoverRule, ReportingAgent } from './device-resolution.ts';

/** What storing one snapshot did. */
export interface IngestResult {
  deviceId: string;
  /** The snapshot id was already stored: nothing was written. */
  duplicate: boolean;
  softwareAdded: number;
  softwareRemoved: number;
  /** Lines added to the device's change history. */
  changes: number;
}

export interface IngestOptions {
  /** When the collector received it (default: now). */
  receivedAt?: Date;
  /** Bytes it took on the wire, when known. */
  sizeBytes?: number;
  /** When a device moves to a newer agent claiming its hardware without a person (default: DEFAULT_HANDOVER). */
  handover?: HandoverRule;
}

/** What an admin's adoption did (see DeviceInventory.adopt). */
export interface DeviceAdoption {
  deviceId: string;
  agentId: string;
  /** The agent the device followed until now. */
  replacedAgentId: string | null;
  /** The device the agent reported on meanwhile, merged into this one. */
  mergedDeviceId: string | null;
}

/** What an admin's merge or delete did (see DeviceInventory.merge and .delete). */
export type { DeviceDeletion, DeviceMerge } from '@stocktake/shared/api';

/** A device as the collector knows it: identity, summary facts and each section's latest data. */
export interface Device {
  id: string;
  /** The agent whose snapshots the device follows. */
  agentId: string | null;
  hostname: string;
  hostnameKey: string | null;
  hardwareSerial: string | null;
  serialKey: string | null;
  hardwareUuid: string | null;
  uuidKey: string | null;
  macs: string[];
  primaryUser: string | null;
  vendor: string | null;
  model: string | null;
  chassisType: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  osBuild: string | null;
  kernel: string | null;
  arch: string | null;
  cpuModel: string | null;
  cpuCores: number | null;
  cpuThreads: number | null;
  memoryBytes: number | null;
  softwareCount: number;
  pendingUpdates: number | null;
  pendingSecurityUpdates: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
  lastSnapshotId: string | null;
  lastCollectedAt: string | null;
  agentVersion: string | null;
  /** Which program reported last: Stocktake's agent, or another tool's (domain/peers). */
  agentKind: AgentKind;
  sections: SectionStates;
  hardware: Hardware | null;
  os: Os | null;
  patches: PatchState | null;
  users: Users | null;
}

/** A hardware part of a device, and one line of its change history: as the API shows them. */
export type { DeviceChange, DeviceComponent } from '@stocktake/shared/api';

/**
 * The inventory of devices: what agents report, and what changed. An ingest is atomic: the
 * device, its software and parts, the changes since its last snapshot, the archived snapshot
 * and its link to the register land together or not at all, and the promise settles once they
 * are durable. Ingests are applied in the order they were called (each is queued before the
 * call returns), so two snapshots of one device are never compared against stale state.
 */
export interface DeviceInventory {
  /**
   * Stores a full snapshot whose sections' hashes were computed (`computeSectionHashes`). A
   * snapshot id already stored is acknowledged again (`duplicate`) without writing anything.
   */
  ingestSnapshot(
    agent: ReportingAgent,
    snapshot: Snapshot,
    hashes: Partial<Record<SectionName, string>>,
    options?: IngestOptions,
  ): Promise<IngestResult>;
  /**
   * Stores a snapshot told as a delta against the device's last one. Rejects with ResyncNeeded
   * when that base is not what the collector holds, and with a ValidationError when the delta
   * leaves a section without its data.
   */
  ingestDelta(agent: ReportingAgent, delta: SnapshotDelta, options?: IngestOptions): Promise<IngestResult>;
  device(id: string): Promise<Device | undefined>;
  /** The device's software in (source, name, arch, version) order; empty for an unknown device. */
  software(deviceId: string): Promise<SoftwareItem[]>;
  /** The device's hardware parts in (kind, key) order. */
  components(deviceId: string): Promise<DeviceComponent[]>;
  /** The device's latest changes, newest first. */
  recentChanges(deviceId: string, limit: number): Promise<DeviceChange[]>;
  /**
   * A person moves a device to a live agent (audited): the device follows it from now on, its
   * history and register link stay, and the device the agent reported on meanwhile (while its
   * claim on this one was open) is merged in: its snapshots are kept, the rest is dropped. The
   * agent's next delta is answered with a resync. NotFoundError for an unknown device or an
   * unknown or revoked agent; ConflictError when the device already follows the agent.
   */
  adopt(deviceId: string, agentId: string, actor: string, now?: Date): Promise<DeviceAdoption>;
  /**
   * A person folds a duplicate device (`mergedId`) into another (`deviceId`), audited on both.
   * Both histories stay, on the surviving device: the snapshots and change lines move to it, and
   * so do findings' references. The merged device's agents report on the survivor from now on; it
   * follows whichever of the two devices' agents reported last (another still reporting gets a
   * device of its own with a conflict, as any second installation does). The survivor keeps its
   * register link, or takes the merged device's when it had none; its current facts stay until
   * its next report. Claims on the merged device are dropped, blocks on it move to the survivor.
   * NotFoundError for an unknown device; ValidationError (field `from`) for a device merged into
   * itself.
   */
  merge(deviceId: string, mergedId: string, actor: string, now?: Date): Promise<DeviceMerge>;
  /**
   * A person deletes a device, audited (the audit entries stay): its snapshots, history, parts
   * and register link go with it, claims on it and blocks on it are dropped, and its agents are
   * unbound, so a machine that reports again comes back as a new device. Open findings about it
   * resolve at the next reconciliation. NotFoundError for an unknown device.
   */
  delete(deviceId: string, actor: string, now?: Date): Promise<DeviceDeletion>;
}

/** The raw snapshots as agents sent them, kept for a while (retention prunes and thins them). */
export interface SnapshotArchive {
  /** A stored snapshot rebuilt as the agent sent it (sections' data included); undefined once pruned. */
  read(snapshotId: string): Promise<Snapshot | undefined>;
  /** The device a stored snapshot belongs to. */
  deviceOf(snapshotId: string): Promise<string | undefined>;
  /** Deletes a batch of snapshots older than `cutoff` (each device's latest is kept); `more`: call again. */
  pruneBatch(cutoff: Date): Promise<PruneStep>;
  /** Thins the next devices' histories (after `afterKey`) before `cutoff`; `lastKey` undefined: done. */
  thinBatch(cutoff: Date, afterKey?: number): Promise<ThinStep>;
}

/** What one pruning batch deleted. */
export interface PruneStep {
  snapshots: number;
  sections: number;
  more: boolean;
}

/** What one thinning batch deleted, and where the next one starts. */
export interface ThinStep {
  snapshots: number;
  lastKey: number | undefined;
}
