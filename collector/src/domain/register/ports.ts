import type { AssetStatus, Conflict, LinkMethod, SanitizationMethod } from '@stocktake/shared/api';
import type { AuditEntry } from '../audit/ports.ts';
import type { Asset } from './asset-model.ts';
import type { AssetPlan } from './asset-plan.ts';

/** How an asset left service: the sanitisation certificate that goes with its disposal. */
export interface DisposalRecord {
  method: SanitizationMethod;
  certificateRef: string;
  vendor: string;
  /** YYYY-MM-DD. */
  date: string;
  notes: string | null;
  /** What the disposal brought in (negative: what it cost); null when not recorded. */
  proceeds: number | null;
}

/** One move in an asset's lifecycle, with its disposal record when it was disposed of. */
export interface StatusEvent {
  id: number;
  from: AssetStatus | null;
  to: AssetStatus;
  at: string;
  actor: string;
  note: string | null;
  correction: boolean;
  disposal: DisposalRecord | null;
}

/** A device discovery (or a person) linked to an asset. */
export interface LinkedDevice {
  deviceId: string;
  hostname: string;
  method: LinkMethod;
  linkedAt: string;
  lastSeenAt: string;
}

/** An asset with its status history, the devices linked to it and the identity conflicts it is part of. */
export interface AssetDetail extends Asset {
  statusEvents: StatusEvent[];
  devices: LinkedDevice[];
  conflicts: Conflict[];
}

/** One planned write to the register, with everything that is recorded along with it. */
export interface AssetWrite {
  /** The asset's id: a new one for a create. */
  id: string;
  /** What changes (never `unchanged`: there is nothing to write then). */
  plan: AssetPlan;
  at: Date;
  actor: string;
  /** The audit entry recorded with the change. */
  audit: AuditEntry;
  /** Identifiers changed: devices are matched to the register again. */
  matchDevices: boolean;
}

/** What the register held of an asset as it removed it, for the audit entries of the removal. */
export interface RemovedAsset {
  asset: Asset;
  statusEvents: StatusEvent[];
  links: { deviceId: string; method: LinkMethod }[];
}

/**
 * The asset register. Writes come planned and audited by the domain (`register-service.ts`);
 * the store applies a batch of them in one transaction, all or none.
 */
export interface AssetRegister {
  get(id: string): Promise<Asset | undefined>;
  getByTag(tag: string): Promise<Asset | undefined>;
  detail(id: string): Promise<AssetDetail | undefined>;
  statusEvents(id: string): Promise<StatusEvent[]>;
  /** The latest disposal record of an asset. */
  latestDisposal(id: string): Promise<DisposalRecord | undefined>;
  /** Every asset in asset tag order, read in batches. */
  all(): AsyncIterable<Asset>;
  /**
   * Applies the writes in order, in one transaction, and returns the assets as stored. Throws
   * ConflictError (nothing written) when an asset tag is taken or an updated asset changed
   * since it was planned.
   */
  write(writes: readonly AssetWrite[]): Promise<Asset[]>;
  /**
   * Applies the writes as `write` does, refusing them the same way, without reading the assets
   * back: for the import, which writes many and does not use them.
   */
  apply(writes: readonly AssetWrite[]): Promise<void>;
  /**
   * Removes an asset, unlinking its devices and matching them again. `audit` turns what was
   * removed into the entries recorded in the same transaction; when it throws, nothing is
   * removed and its error is the answer (the domain refuses a removal that way). NotFoundError
   * when there is none.
   */
  remove(id: string, audit: (removed: RemovedAsset) => AuditEntry[]): Promise<void>;
}
