import { type Entitlement, pooledSeats } from '../../licenses/positions.ts';
import type { LicenseFact } from '../ports.ts';
import { type Candidate, defineRule, each, plural, type RuleContext } from '../rule.ts';
import { entitlementRefs, licenseUnit } from '../subjects.ts';

/** Which orders the seats come from, when it takes more than one to say. */
function fromOrders(current: readonly Entitlement[], all: readonly Entitlement[]): string {
  if (all.length > 0 && current.length === 0) return ', no entitlement in term';
  if (current.length < 2) return '';
  return ` over ${current.length} orders (${current.map((e) => e.orderNumber ?? 'no order number').join(', ')})`;
}

/**
 * More devices (or users) use the product than its entitlements in term have seats, all orders
 * of the product pooled. The subject is the product's position (the product, its metric as the
 * sub-key), so adding or ending an order changes the evidence of one finding instead of
 * opening another.
 */
export function licenseOveruse(l: LicenseFact, ctx: RuleContext): Candidate | undefined {
  const { seats, current } = pooledSeats(l.entitlements, ctx.policy, ctx.now);
  if (l.used <= seats) return undefined;
  return {
    type: 'license_overuse',
    subjectKind: 'product',
    subjectId: l.product,
    subKey: l.metric,
    severity: 'high',
    summary: `${l.product}: ${plural(l.used, licenseUnit(l))} use it, ${plural(seats, 'seat')} licensed${fromOrders(current, l.entitlements)} (${l.used - seats} over)`,
    facts: { product: l.product, metric: l.metric, seats, used: l.used },
    refs: entitlementRefs(l),
  };
}

export default defineRule({
  type: 'license_overuse',
  subjectKind: 'product',
  defaultSeverity: 'high',
  description:
    'More present devices (or users, by the license metric) use a product than its entitlements in term have seats, every order pooled.',
  reads: ['licenses'],
  evaluate: ({ licenses }, ctx) => each(licenses, (l) => licenseOveruse(l, ctx)),
});
