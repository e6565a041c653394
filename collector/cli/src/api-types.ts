import type { SoftwareItem } from '@stocktake/shared';

// The collector's own types where it exports the wire shape; type-only, so the command line's
// bundle still carries none of the server's code.
export type { Asset } from '../../src/domain/register/asset-model.ts';
export type { Finding, FindingEvent } from '../../src/store/sqlite/findings/findings-repository.ts';
export type { CatalogueEntry } from '../../src/store/sqlite/software/software-list.ts';

import type { Asset } from '../../src/domain/register/asset-model.ts';
import type { Finding } from '../../src/store/sqlite/findings/findings-repository.ts';

/**
 * The parts of the collector's answers the tables read. The route schemas (collector/src/routes)
 * are the authority; --json prints the answers whole, whatever these leave out.
 */

export interface DeviceSummary {
  id: string;
  hostname: string;
  hardwareSerial: string | null;
  vendor: string | null;
  model: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  cpuModel: string | null;
  cpuCores: number | null;
  memoryBytes: number | null;
  softwareCount: number;
  pendingUpdates: number | null;
  pendingSecurityUpdates: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A row of the device list (and of who-has): the summary with the user and the register link. */
export interface DeviceListItem extends DeviceSummary {
  primaryUser: string | null;
  assetId: string | null;
  assetTag: string | null;
}

export interface WhoHasItem extends DeviceListItem {
  software: { source: string; name: string; version: string; arch?: string }[];
  versions: string[];
}

export interface Conflict {
  kind: string;
  value: string;
  deviceIds: string[];
  assetIds: string[];
}

export interface DeviceLink {
  assetId: string | null;
  method: string;
  linkedAt: string;
  linkedBy: string;
}

export interface DeviceDetail extends DeviceSummary {
  hardwareUuid: string | null;
  macs: string[];
  chassisType: string | null;
  osBuild: string | null;
  kernel: string | null;
  arch: string | null;
  cpuThreads: number | null;
  agentVersion: string | null;
  lastSnapshotId: string | null;
  lastCollectedAt: string | null;
  sections: Record<string, { status: string; reason?: string; collectedAt: string }>;
  primaryUser: string | null;
  software: SoftwareItem[];
  components: {
    kind: string;
    key: string;
    label: string | null;
    serial: string | null;
    vendor: string | null;
    model: string | null;
    sizeBytes: number | null;
  }[];
  link: DeviceLink | null;
  conflicts: Conflict[];
  /** The linked register asset (collectors from the sysadmin API on). */
  asset?: {
    id: string;
    assetTag: string;
    name: string | null;
    status: string;
    assigneeName: string | null;
    location: string | null;
  } | null;
  /** Unresolved findings involving the device (collectors from the sysadmin API on). */
  findings?: Finding[];
  online: boolean;
  lastHeartbeatAt: string | null;
}

export interface DeviceChange {
  id: number;
  kind: string;
  subject: string;
  before?: unknown;
  after?: unknown;
  observedAt: string;
}

export interface RefreshAccepted {
  deviceId: string;
  agentId: string;
  requestId: string;
}

export interface AssetDetail extends Asset {
  statusEvents: {
    from: string | null;
    to: string;
    at: string;
    actor: string;
    note: string | null;
    correction: boolean;
  }[];
  devices: { deviceId: string; hostname: string; method: string; linkedAt: string; lastSeenAt: string }[];
  conflicts: Conflict[];
  /** Unresolved findings involving the asset (collectors from the sysadmin API on). */
  findings?: Finding[];
  /** Its audit history, newest first (collectors from the sysadmin API on). */
  history?: AuditEntry[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
  context: string | null;
}

export interface ImportOutcome {
  dryRun: boolean;
  rows: number;
  created: ({ line: number } & Record<string, unknown>)[];
  updated: ({ line: number; changes: { field: string; from: unknown; to: unknown }[] } & Record<string, unknown>)[];
  unchanged: ({ line: number } & Record<string, unknown>)[];
  ignoredColumns: string[];
}

export interface License {
  id: string;
  product: string;
  publisher: string | null;
  namePattern: string;
  versionRange: string | null;
  metric: string;
  seats: number;
  termStart: string | null;
  termEnd: string | null;
  costPerSeat: number | null;
  orderNumber: string | null;
}

export interface Usage {
  metric: string;
  seats: number;
  used: number;
  devices: number;
  users: number;
  available: number;
  over: number;
  state: string;
  atRenewal: boolean;
  unusedSeatsCost: number | null;
}

export interface Compliance {
  license: {
    id: string;
    product: string;
    namePattern: string;
    publisherPattern: string | null;
    versionRange: string | null;
    termEnd: string | null;
  };
  usage: Usage;
  matchedVersions: number;
  counted: {
    key: string;
    user: string | null;
    devices: { deviceId: string; hostname: string; lastSeenAt: string; software: string[] }[];
  }[];
  nextCursor: string | null;
}

export interface TypeCounts {
  opened: number;
  recurred: number;
  returned: number;
  resolved: number;
  open: number;
}

export interface ReconciliationRun {
  id: number;
  trigger: string;
  actor: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  counts: { byType: Record<string, TypeCounts>; totals: TypeCounts } | null;
  matching: { devices: number; changed: number; linked: number } | null;
}

export interface ApiToken {
  id: number;
  name: string;
  role: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}
