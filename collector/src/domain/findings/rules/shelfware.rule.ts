import { pooledSeats, unusedAtRenewal } from '../../licenses/positions.ts';
import type { LicenseFact } from '../ports.ts';
import { type Candidate, defineRule, each, plural, type RuleContext } from '../rule.ts';
import { entitlementRefs } from '../subjects.ts';

/**
 * Paid seats nobody uses, raised at renewal time: when an entitlement of the product in term
 * ends within the renewal horizon (and has not ended). The unused seats counted are those of
 * the product's pooled position, but no more than the renewing entitlements hold: only those can
 * be dropped now. An entitlement without a term end has nothing to renew; the count must reach
 * the threshold.
 */
export function shelfware(l: LicenseFact, ctx: RuleContext): Candidate | undefined {
  const pooled = pooledSeats(l.entitlements, ctx.policy, ctx.now);
  const [first] = pooled.renewing;
  if (!first?.termEnd) return undefined;
  const unused = unusedAtRenewal(pooled, l.used);
  if (unused < ctx.policy.shelfware.minUnusedSeats) return undefined;
  const order = l.entitlements.length > 1 && first.orderNumber ? ` (order ${first.orderNumber})` : '';
  return {
    type: 'shelfware',
    subjectKind: 'product',
    subjectId: l.product,
    subKey: l.metric,
    severity: 'low',
    summary: `${l.product}: ${plural(unused, 'seat')} of ${pooled.seats} unused, renews ${first.termEnd}${order}`,
    facts: {
      product: l.product,
      metric: l.metric,
      seats: pooled.seats,
      used: l.used,
      unused,
      termEnd: first.termEnd,
      minUnusedSeats: ctx.policy.shelfware.minUnusedSeats,
    },
    refs: entitlementRefs(l),
  };
}

export default defineRule({
  type: 'shelfware',
  subjectKind: 'product',
  defaultSeverity: 'low',
  description:
    'At renewal time, at least the policy’s number of paid seats of a product that nobody uses, every order pooled.',
  reads: ['licenses'],
  evaluate: ({ licenses }, ctx) => each(licenses, (l) => shelfware(l, ctx)),
});
