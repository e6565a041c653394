import type {
  AssetStatus,
  FindingRefKind,
  FindingSeverity,
  FindingSubjectKind,
  FindingType,
  LicenseMetric,
} from '@stocktake/shared/api';
import type { Policy } from '../policies.ts';

/**
 * What a rule says holds now. `facts` is the evidence: stable values only (dates, counts,
 * versions), because their hash decides whether an acknowledged finding has news. `observed`
 * holds what moves on its own (days since, last contact) and is shown but never compared.
 */
export interface Candidate {
  type: FindingType;
  subjectKind: FindingSubjectKind;
  subjectId: string;
  subKey: string;
  severity: FindingSeverity;
  summary: string;
  facts: Record<string, unknown>;
  observed?: Record<string, unknown>;
  refs: { kind: FindingRefKind; id: string }[];
}

export interface RuleContext {
  now: Date;
  policy: Policy;
}

/** A device as the rules need it (one row per device, read in one pass). */
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
  /** When the collector first saw security updates pending (device_patch_tracking). */
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

export interface LicenseFact {
  id: string;
  product: string;
  metric: LicenseMetric;
  seats: number;
  termEnd: string | null;
  used: number;
}

/** A component recorded as removed (device_changes), with what the device has under that key now. */
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

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `iso` to `now` (negative when `iso` is in the future). */
export function daysSince(iso: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);
}

/** The calendar date (UTC) of `now`, YYYY-MM-DD, for comparing with register dates. */
export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** `date` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
