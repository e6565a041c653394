import type {
  AssetStatus,
  Finding,
  FindingAction,
  FindingEvent,
  FindingSeverity,
  FindingStatus,
  FindingSubjectKind,
  FindingType,
  LicenseMetric,
  ReconciliationRun,
  RunStatus,
  RunTrigger,
  StoredPolicy,
} from '@stocktake/shared/api';
import type { InstallCounts } from '../licenses/compliance.ts';
import type { Entitlement } from '../licenses/positions.ts';
import type { DeviceActivity } from '../usage/ports.ts';
import type { Reclamation } from '../usage/reclamation.ts';
import type { Action, OpenReason, StoredFinding } from './lifecycle.ts';
import type { PolicyInput } from './policies.ts';

export type { Finding, FindingEvent, StoredPolicy };

/** A device as the rules need it (one per device, read in one pass). */
export interface DeviceFact {
  key: number;
  id: string;
  hostname: string;
  serial: string | null;
  lastSeenAt: string;
  primaryUser: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  osBuild: string | null;
  pendingUpdates: number | null;
  pendingSecurityUpdates: number | null;
  lastPackageChange: string | null;
  lastInstall: string | null;
  oldestPendingSecuritySince: string | null;
  /** When the collector first saw security updates pending on the device. */
  trackedSecuritySince: string | null;
  assetId: string | null;
  linkMethod: string | null;
  assetSerial: string | null;
  assetTag: string | null;
  assigneeUsername: string | null;
  assigneeEmail: string | null;
}

/** A register asset with the most recent contact of the devices linked to it. */
export interface AssetFact {
  id: string;
  assetTag: string;
  name: string | null;
  serial: string | null;
  status: AssetStatus;
  /** When the asset entered its current status (latest status event), else when it was created. */
  statusSince: string;
  createdAt: string;
  warrantyEnd: string | null;
  lastDeviceId: string | null;
  lastDeviceHostname: string | null;
  lastSeenAt: string | null;
}

/**
 * A product's license position: its entitlements under one metric, pooled, with the seats the
 * present devices (or their users, by the metric) use. Which entitlements count (their term is
 * current) depends on the day, so the rules work it out (`pooledSeats`).
 */
export interface LicenseFact {
  /** The position's key (`poolKey`). */
  key: string;
  product: string;
  metric: LicenseMetric;
  used: number;
  /** Every entitlement of the product under the metric, current or not, by order number. */
  entitlements: Entitlement[];
}

/** A component recorded as removed, with what the device has under that key now. */
export interface HardwareRemoval {
  deviceKey: number;
  deviceId: string;
  hostname: string;
  kind: string;
  key: string;
  subject: string;
  removed: Record<string, unknown>;
  observedAt: string;
  /** The component under the same key now, if any (a swap shows a different one). */
  current: Record<string, unknown> | null;
}

/** An identifier that names several machines (a duplicate serial, a shared UUID or MAC); never used to match. */
export interface IdentityConflict {
  kind: string;
  value: string;
  deviceIds: string[];
  assetIds: string[];
}

/** Everything a run's rules read, each kind loaded once per run. */
export interface ReconciliationFacts {
  devices: DeviceFact[];
  assets: AssetFact[];
  conflicts: IdentityConflict[];
  hardwareRemovals: HardwareRemoval[];
  licenses: LicenseFact[];
  /** Each position's reclaimable seats, from software use (see domain/usage/reclamation.ts). */
  reclamation: Reclamation[];
  /** Who logs in on each device, as far as its agent said. */
  activity: DeviceActivity[];
}

/** What matching every device to the register again did. */
export interface MatchingSummary {
  devices: number;
  changed: number;
  linked: number;
}

/** The reads (and the one bookkeeping write) a run makes: set-based, never one query per device. */
export interface FactSource {
  /** Matches every device to the register again (links may change). */
  matchAll(now: Date): Promise<MatchingSummary>;
  /**
   * Remembers since when each device has had security updates pending, as the collector first
   * saw it, and forgets it once none are pending.
   */
  trackSecurityPending(): Promise<void>;
  devices(): Promise<DeviceFact[]>;
  assets(): Promise<AssetFact[]>;
  conflicts(): Promise<IdentityConflict[]>;
  /** The latest removal of each component recorded since `since`, with the component under its key now. */
  hardwareRemovals(since: string): Promise<HardwareRemoval[]>;
  /**
   * Every product's license position with its usage, counted over the present devices (device
   * key → user key). `progress` is told when the matching of licenses to the software catalogue
   * is done.
   */
  licenses(present: ReadonlyMap<number, string>, progress?: (step: 'license_match') => void): Promise<LicenseFact[]>;
  /** In-use assets (of the statuses given) and how many of them a linked device reported since `since`. */
  coverage(statuses: readonly string[], since: string): Promise<{ inUse: number; seen: number }>;
  /**
   * The install counts license usage and compliance are computed from; a count runs over one
   * consistent read of the catalogue and the installs (`InstallCounts.consistently`).
   */
  readonly installs: InstallCounts;
}

/** A finding that became open in a run, as notifications carry it. */
export interface OpenedFinding {
  id: number;
  type: FindingType;
  severity: FindingSeverity;
  subject: { kind: FindingSubjectKind; id: string; subKey: string | null };
  summary: string;
  facts: Record<string, unknown>;
  reason: OpenReason;
}

export interface StatusChange {
  action: FindingAction;
  until?: string;
  comment?: string;
}

/** Findings and their history: what runs write and what people change. */
export interface FindingStore {
  get(id: number): Promise<Finding | undefined>;
  /** Every stored finding, resolved ones included (a condition that comes back reopens its finding). */
  stored(): Promise<StoredFinding[]>;
  /** Writes a run's plan all at once (all or nothing); returns the findings that became open. */
  apply(actions: readonly Action[], now: Date, runId: number): Promise<OpenedFinding[]>;
  /** The finding's history, oldest first. */
  events(findingId: number): Promise<FindingEvent[]>;
  /**
   * A person acknowledges, snoozes or reopens a finding: recorded in its history and the audit
   * log. Undefined when there is no such finding; FindingTransitionError when the change is refused.
   */
  changeStatus(id: number, change: StatusChange, actor: string, now?: Date): Promise<Finding | undefined>;
  /** Unresolved findings per type, severity and status. */
  activeCounts(): Promise<{ type: FindingType; severity: FindingSeverity; status: FindingStatus; count: number }[]>;
}

/** What a run did to the findings, per type and in all. */
export type RunCounts = NonNullable<RunRecord['counts']>;

/** A run as recorded: the API's reconciliation run. */
export type RunRecord = ReconciliationRun;

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  finishedAt: Date;
  durationMs: number;
  error?: string;
  counts?: RunCounts;
  matching?: MatchingSummary;
  phases?: Record<string, number>;
}

/** The record of runs, which doubles as the lock that keeps runs one at a time across processes. */
export interface RunStore {
  get(id: number): Promise<RunRecord | undefined>;
  /** Records a new run as running, unless another is: then RunInProgressError. */
  start(trigger: RunTrigger, actor: string, now: Date): Promise<RunRecord>;
  finish(id: number, outcome: RunOutcome): Promise<RunRecord>;
  latestSucceeded(): Promise<RunRecord | undefined>;
  count(): Promise<number>;
}

/** The reconciliation policy document: stored as written, resolved against defaults when read, every change audited. */
export interface PolicyStore {
  current(): Promise<StoredPolicy>;
  /** Replaces the document (validated by the caller); writes and audits only when it differs. */
  replace(document: PolicyInput, actor: string, context?: string, now?: Date): Promise<StoredPolicy>;
}
