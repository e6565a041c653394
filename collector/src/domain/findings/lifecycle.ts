import { createHash } from 'node:crypto';
import { canonicalJson } from '@stocktake/shared';
import type { FindingSeverity, FindingStatus, FindingType, TypeCounts } from '@stocktake/shared/api';
import type { Candidate } from './rule.ts';

/** What the lifecycle needs to know of a stored finding. */
export interface StoredFinding {
  id: number;
  type: FindingType;
  subjectId: string;
  subKey: string;
  status: FindingStatus;
  severity: FindingSeverity;
  evidenceHash: string;
  snoozedUntil: string | null;
  summary: string;
  /** The `observed` part as stored (JSON), to skip rewriting rows where nothing moved. */
  observedJson: string;
}

export function findingKey(f: { type: string; subjectId: string; subKey: string }): string {
  return `${f.type}\u0000${f.subjectId}\u0000${f.subKey}`;
}

export function evidenceHash(facts: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(facts)).digest('hex');
}

/** Why a finding became open in this run (what a notification says). */
export type OpenReason = 'new' | 'recurred' | 'evidence_changed' | 'snooze_expired';

export type Action =
  /** First time ever: a new row. */
  | { op: 'insert'; candidate: Candidate; hash: string }
  /** A resolved finding whose condition holds again: the same row, open, occurrences + 1. */
  | { op: 'recur'; id: number; candidate: Candidate; hash: string }
  /** Acknowledged with changed evidence, or snoozed past its date: back to open. */
  | {
      op: 'return';
      id: number;
      from: FindingStatus;
      reason: 'evidence_changed' | 'snooze_expired';
      candidate: Candidate;
      hash: string;
      evidenceChanged: boolean;
    }
  /** Still holding, same status; new evidence recorded (an event) when it changed. */
  | { op: 'refresh'; id: number; status: FindingStatus; candidate: Candidate; hash: string; evidenceChanged: boolean }
  /** Still holding, nothing to record but when it was last seen. */
  | { op: 'touch'; id: number }
  /** The condition no longer holds. */
  | { op: 'resolve'; id: number; from: FindingStatus };

export type { TypeCounts };

export interface LifecyclePlan {
  actions: Action[];
  counts: Partial<Record<FindingType, TypeCounts>>;
}

const emptyCounts = (): TypeCounts => ({ opened: 0, recurred: 0, returned: 0, resolved: 0, open: 0 });

/**
 * Decides, for every candidate and every stored finding, what a run does:
 * - a candidate with no row is inserted (open); one whose row is resolved reopens that row;
 * - open stays open (evidence updated when it changed);
 * - acknowledged stays quiet until the hash of its evidence changes, then reopens;
 * - snoozed stays snoozed until its date has passed, then reopens if it still holds;
 * - any unresolved row without a candidate resolves, whatever its status.
 * Candidates must have distinct keys (the engine checks).
 */
export function planLifecycle(
  stored: readonly StoredFinding[],
  candidates: readonly Candidate[],
  now: Date,
): LifecyclePlan {
  const byKey = new Map(stored.map((f) => [findingKey(f), f]));
  const actions: Action[] = [];
  const counts: LifecyclePlan['counts'] = {};
  const count = (type: FindingType) => {
    let c = counts[type];
    if (!c) {
      c = emptyCounts();
      counts[type] = c;
    }
    return c;
  };
  const seen = new Set<string>();
  const nowMs = now.getTime();
  for (const candidate of candidates) {
    const key = findingKey(candidate);
    seen.add(key);
    const c = count(candidate.type);
    c.open++;
    const hash = evidenceHash(candidate.facts);
    const row = byKey.get(key);
    if (!row) {
      actions.push({ op: 'insert', candidate, hash });
      c.opened++;
      continue;
    }
    const evidenceChanged = row.evidenceHash !== hash;
    switch (row.status) {
      case 'resolved':
        actions.push({ op: 'recur', id: row.id, candidate, hash });
        c.recurred++;
        break;
      case 'acknowledged':
        if (evidenceChanged) {
          actions.push({
            op: 'return',
            id: row.id,
            from: row.status,
            reason: 'evidence_changed',
            candidate,
            hash,
            evidenceChanged,
          });
          c.returned++;
        } else actions.push(quietUpdate(row, candidate, hash, false));
        break;
      case 'snoozed':
        if (row.snoozedUntil === null || Date.parse(row.snoozedUntil) <= nowMs) {
          actions.push({
            op: 'return',
            id: row.id,
            from: row.status,
            reason: 'snooze_expired',
            candidate,
            hash,
            evidenceChanged,
          });
          c.returned++;
        } else actions.push(quietUpdate(row, candidate, hash, evidenceChanged));
        break;
      default:
        actions.push(quietUpdate(row, candidate, hash, evidenceChanged));
    }
  }
  for (const row of stored) {
    if (row.status === 'resolved' || seen.has(findingKey(row))) continue;
    actions.push({ op: 'resolve', id: row.id, from: row.status });
    count(row.type).resolved++;
  }
  return { actions, counts };
}

/** A holding finding keeps its status: rewrite it only where something a person reads moved. */
function quietUpdate(row: StoredFinding, candidate: Candidate, hash: string, evidenceChanged: boolean): Action {
  const same =
    !evidenceChanged &&
    row.severity === candidate.severity &&
    row.summary === candidate.summary &&
    row.observedJson === JSON.stringify(candidate.observed ?? {});
  if (same) return { op: 'touch', id: row.id };
  return { op: 'refresh', id: row.id, status: row.status, candidate, hash, evidenceChanged };
}
