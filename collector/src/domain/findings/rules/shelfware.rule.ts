import type { Policy } from '../policies.ts';
import type { LicenseFact } from '../ports.ts';
import { addDays, type Candidate, defineRule, each, plural, type RuleContext, today } from '../rule.ts';
import { licenseRef } from '../subjects.ts';

/**
 * Paid seats nobody uses, raised at renewal time: when the term ends within the renewal
 * horizon (and has not ended). A license without a term end has nothing to renew, so it is
 * never shelfware; seats − usage must reach the threshold.
 */
export function shelfware(l: LicenseFact, ctx: RuleContext): Candidate | undefined {
  if (!l.termEnd || !atRenewal(l.termEnd, ctx.policy, ctx.now)) return undefined;
  const unused = l.seats - l.used;
  if (unused < ctx.policy.shelfware.minUnusedSeats) return undefined;
  return {
    type: 'shelfware',
    subjectKind: 'license',
    subjectId: l.id,
    subKey: '',
    severity: 'low',
    summary: `${l.product}: ${plural(unused, 'seat')} of ${l.seats} unused, renews ${l.termEnd}`,
    facts: {
      product: l.product,
      metric: l.metric,
      seats: l.seats,
      used: l.used,
      unused,
      termEnd: l.termEnd,
      minUnusedSeats: ctx.policy.shelfware.minUnusedSeats,
    },
    refs: [licenseRef(l)],
  };
}

/** Renewal time: the term ends within the renewal horizon and has not ended yet. */
export function atRenewal(termEnd: string | null, policy: Policy, now: Date): boolean {
  if (!termEnd) return false;
  const day = today(now);
  return termEnd >= day && termEnd <= addDays(day, policy.shelfware.renewalHorizonDays);
}

export default defineRule({
  type: 'shelfware',
  subjectKind: 'license',
  defaultSeverity: 'low',
  description: 'At renewal time, at least the policy’s number of paid seats that nobody uses.',
  reads: ['licenses'],
  evaluate: ({ licenses }, ctx) => each(licenses, (l) => shelfware(l, ctx)),
});
