import type {
  FindingRefKind,
  FindingSeverity,
  FindingStatus,
  FindingSubjectKind,
  FindingType,
} from '@stocktake/shared/api';

/** A finding as the API shows it, with what it involves. */
export interface Finding {
  id: number;
  type: FindingType;
  severity: FindingSeverity;
  status: FindingStatus;
  subject: { kind: FindingSubjectKind; id: string; subKey: string | null };
  summary: string;
  evidence: { facts: Record<string, unknown>; observed: Record<string, unknown> };
  firstSeenAt: string;
  openedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  occurrences: number;
  snoozedUntil: string | null;
  statusChangedAt: string;
  statusChangedBy: string;
  statusComment: string | null;
  refs: { kind: FindingRefKind; id: string }[];
}
