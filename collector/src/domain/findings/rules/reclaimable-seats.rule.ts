import { atRenewal } from '../../licenses/positions.ts';
import type { Reclamation } from '../../usage/reclamation.ts';
import { type Candidate, defineRule, each, plural, type RuleContext } from '../rule.ts';

/**
 * Paid seats sitting on installs nobody opens (per device), or with people who used none of
 * theirs (per user), raised ahead of the next renewal (within the shelfware renewal horizon):
 * when the reclaimable count reaches the policy's minimum. It resolves as seats are reclaimed
 * (uninstalled) or used again, or once the renewal has passed.
 */
export function reclaimableSeats(r: Reclamation, ctx: RuleContext): Candidate | undefined {
  if (!r.nextRenewal || !atRenewal(r.nextRenewal, ctx.policy, ctx.now)) return undefined;
  if (r.reclaimable < ctx.policy.reclamation.minSeats) return undefined;
  const money = r.savingAtRenewal === null ? '' : `, ${r.savingAtRenewal.toFixed(2)} at renewal`;
  return {
    type: 'reclaimable_seats',
    subjectKind: 'product',
    subjectId: r.product,
    subKey: r.metric,
    severity: 'low',
    summary: `${r.product}: ${plural(r.reclaimable, 'seat')} of ${r.seats} reclaimable (${r.metric === 'per_user' ? 'people who used none of their installs' : 'installs unused'} for over ${ctx.policy.usage.unusedAfterDays} days), renews ${r.nextRenewal}${money}`,
    facts: {
      product: r.product,
      metric: r.metric,
      seats: r.seats,
      reclaimable: r.reclaimable,
      nextRenewal: r.nextRenewal,
      savingAtRenewal: r.savingAtRenewal,
      where: r.reclaimableSeats.map((s) => s.deviceId).sort(),
      minSeats: ctx.policy.reclamation.minSeats,
    },
    refs: r.reclaimableSeats.map((s) => ({ kind: 'device' as const, id: s.deviceId })),
  };
}

export default defineRule({
  type: 'reclaimable_seats',
  subjectKind: 'product',
  defaultSeverity: 'low',
  description:
    'Ahead of a renewal, at least the policy’s number of seats on installs unused for longer than the usage threshold (or with people who used none of theirs).',
  reads: ['reclamation'],
  evaluate: ({ reclamation }, ctx) => each(reclamation, (r) => reclaimableSeats(r, ctx)),
});
