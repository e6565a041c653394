import type { RunStatus, RunTrigger } from '@stocktake/shared/api';
import type { TypeCounts } from './lifecycle.ts';

export interface RunCounts {
  byType: Record<string, TypeCounts>;
  totals: TypeCounts;
}

/** A reconciliation run as the API shows it. */
export interface RunRecord {
  id: number;
  trigger: RunTrigger;
  actor: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  counts: RunCounts | null;
  matching: { devices: number; changed: number; linked: number } | null;
  phases: Record<string, number> | null;
}
