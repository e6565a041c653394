import type { FindingRefKind, FindingSeverity, FindingSubjectKind, FindingType } from '@stocktake/shared/api';
import type { Policy } from './policies.ts';
import type { ReconciliationFacts } from './ports.ts';

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

/** The kinds of fact a rule can read; the engine loads each once per run, in this order. */
export type FactName = keyof ReconciliationFacts;

/**
 * One finding rule, as it registers itself (the default export of its file in `rules/`):
 * what it flags, about what, how serious it usually is, and which facts it reads. The
 * engine hands it exactly the facts it names.
 */
export interface FindingRule<R extends FactName = FactName> {
  /** The finding type it raises (lower snake case); unique among the rules. */
  type: FindingType;
  subjectKind: FindingSubjectKind;
  /** The usual severity; a finding may say more or less depending on its evidence. */
  defaultSeverity: FindingSeverity;
  description: string;
  reads: readonly R[];
  evaluate(facts: Pick<ReconciliationFacts, R>, ctx: RuleContext): Iterable<Candidate>;
}

/** Declares a rule; typing `reads` and `evaluate` together keeps a rule from reading a fact it does not name. */
export function defineRule<R extends FactName>(rule: FindingRule<R>): FindingRule<R> {
  return rule;
}

/** The candidates of `fn` over `items`, skipping those where it finds nothing. */
export function* each<T>(items: Iterable<T>, fn: (item: T) => Candidate | undefined): Generator<Candidate> {
  for (const item of items) {
    const c = fn(item);
    if (c) yield c;
  }
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
