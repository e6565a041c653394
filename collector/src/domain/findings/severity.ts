import { FINDING_SEVERITIES, type FindingSeverity } from '@stocktake/shared/api';

/** 0 for info up to 4 for critical: stored beside the name so findings sort and filter by it. */
export function severityRank(severity: FindingSeverity): number {
  return FINDING_SEVERITIES.indexOf(severity);
}

export function atLeast(severity: FindingSeverity, min: FindingSeverity): boolean {
  return severityRank(severity) >= severityRank(min);
}

export function maxSeverity(severities: readonly FindingSeverity[]): FindingSeverity {
  let best: FindingSeverity = 'info';
  for (const s of severities) if (severityRank(s) > severityRank(best)) best = s;
  return best;
}
