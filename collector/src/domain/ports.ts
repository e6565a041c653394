import type { ReadinessCheck } from '@stocktake/shared/api';
import type { Agents, ApiTokens, EnrollSecrets, EnrolmentBlocks, UserAccounts } from './access/ports.ts';
import type { AuditTrail } from './audit/ports.ts';
import type { JobLeases } from './cluster/ports.ts';
import type { FactSource, FindingStore, PolicyStore, RunStore } from './findings/ports.ts';
import type { DeviceInventory, SnapshotArchive } from './inventory/ports.ts';
import type { LicenseBook } from './licenses/ports.ts';
import type { Listers } from './lists/ports.ts';
import type { LiveRosters } from './live/ports.ts';
import type { StorageMaintenance } from './maintenance/ports.ts';
import type { DeviceLinks, IdentityConflicts } from './matching/ports.ts';
import type { AssetRegister } from './register/ports.ts';
import type { SoftwareUsage } from './usage/ports.ts';

/**
 * What the domain needs from storage: one async port per aggregate, in domain words (no rows,
 * columns or SQL). Each storage engine (`store/<engine>/`) provides all of them; the port
 * contract suite (`store/contract/`) is what an engine must pass.
 *
 * Each aggregate declares its port in its own folder (`domain/<area>/ports.ts`) and adds it here.
 */
export interface Stores {
  /** The asset register: assets, their status events and disposal records. */
  assets: AssetRegister;
  /** License entitlements. */
  licenses: LicenseBook;
  /** The audit trail of register changes. */
  audit: AuditTrail;
  /** API tokens of people and scripts. */
  apiTokens: ApiTokens;
  /** The secrets agents enrol with. */
  enrollSecrets: EnrollSecrets;
  /** Enrolled agents and their tokens. */
  agents: Agents;
  /** Devices and hardware serials new agents may not take until an admin allows it. */
  enrolmentBlocks: EnrolmentBlocks;
  /** People's accounts and their login sessions. */
  users: UserAccounts;
  /** Devices as agents report them, and what changed on them. */
  inventory: DeviceInventory;
  /** The raw snapshots agents sent. */
  snapshotArchive: SnapshotArchive;
  /** Software use per device, installed item and user, and who logs in on each device. */
  usage: SoftwareUsage;
  /** Which register asset each device is. */
  deviceLinks: DeviceLinks;
  /** Identifiers several machines share. */
  identityConflicts: IdentityConflicts;
  /** Every list the API serves (filters, q, sort, cursor pages). */
  lists: Listers;
  /** What reconciliation runs read (devices, assets, licenses with usage, removals, conflicts). */
  facts: FactSource;
  findings: FindingStore;
  /** Reconciliation runs, and the lock that keeps them one at a time. */
  runs: RunStore;
  policies: PolicyStore;
  /** Which instance runs each tick of a cluster-wide job (several collectors may share one database). */
  jobLeases: JobLeases;
  /** Agents' live channels as every instance sees them: presence, and refresh requests relayed to the holder. */
  liveRosters: LiveRosters;
  /** The engine's own figures and its consistent online backup. */
  maintenance: StorageMaintenance;
  /**
   * Whether the store can take traffic now (the readiness route): it takes a small write, its
   * schema is the one this collector expects, and its file system has `minFreeBytes` free.
   * Every check of READINESS_CHECKS is reported, in that order; a failing check is reported,
   * never thrown.
   */
  readiness(options: ReadinessOptions): Promise<ReadinessCheck[]>;
  /**
   * Resolves once the store has caught up with the commits made so far, at once when it has
   * nothing to catch up with, or after `maxWaitMs`. Work that commits many times in a row in the
   * background (an import's chunks) waits for it between commits, so that it leaves no debt for a
   * later request to pay: on SQLite, a write-ahead log that back-to-back commits keep from
   * restarting, truncated at last by whichever commit comes after them.
   */
  caughtUp(maxWaitMs: number): Promise<void>;
  /** Releases the engine's connections; the stores are unusable after. */
  close(): Promise<void>;
}

/** What background work that commits many times in a row needs of the store: its catch-up. */
export type WriteBacklog = Pick<Stores, 'caughtUp'>;

/**
 * The longest background work waits for the store to catch up between its commits: a checkpoint
 * of SQLite's log at its threshold takes a few hundred ms on a busy disk; past this the work goes
 * on, and the store catches up later at a higher price.
 */
export const CATCH_UP_WAIT_MS = 2000;

/** Every port of `Stores` by name: what an engine opened is checked against before a collector runs on it. */
export const STORE_PORTS = [
  'assets',
  'licenses',
  'audit',
  'apiTokens',
  'enrollSecrets',
  'agents',
  'enrolmentBlocks',
  'users',
  'inventory',
  'snapshotArchive',
  'deviceLinks',
  'identityConflicts',
  'lists',
  'facts',
  'findings',
  'runs',
  'policies',
  'usage',
  'jobLeases',
  'liveRosters',
  'maintenance',
  'readiness',
  'caughtUp',
  'close',
] as const satisfies readonly (keyof Stores)[];

/** Fails to compile when a port of `Stores` is missing from STORE_PORTS. */
const listsEveryPort: Exclude<keyof Stores, (typeof STORE_PORTS)[number]> extends never ? true : never = true;
void listsEveryPort;

/** The ports of `Stores` an engine's opened ports lack, in STORE_PORTS' order; none when it is whole. */
export function missingPorts(ports: Partial<Stores>): (keyof Stores)[] {
  return STORE_PORTS.filter((name) => ports[name] === undefined);
}

/**
 * The free space readiness asks for by default: SQLite's log grows to about 40 MiB between
 * checkpoints (open-database.ts), and a checkpoint may grow the database file by as much, so
 * this leaves room for one cycle and some margin before writes start failing.
 */
export const DEFAULT_MIN_FREE_BYTES = 128 * 1024 * 1024;

/** What readiness asks of a store. */
export interface ReadinessOptions {
  /** Free space the store's file system must keep, in bytes. */
  minFreeBytes: number;
}

export type { ReadinessCheck };

/** Opens a fresh, empty, migrated store: what the contract suite runs each engine on. */
export type OpenStores = () => Promise<Stores>;
