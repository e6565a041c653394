import type { AssetStatus } from '@stocktake/shared/api';
import type { AssetFact } from '../ports.ts';
import { type Candidate, defineRule, each, plural, type RuleContext, today } from '../rule.ts';
import { assetLabel, assetRef } from '../subjects.ts';

/** Statuses in which a machine is in use or ready to be: a repair would not be covered. */
const COVERED_STATUSES: readonly AssetStatus[] = ['deployed', 'in_stock'];

/**
 * A warranty that has ended on an asset in use (medium) or in stock, ready to hand out (low).
 * The day after warranty_expiring's horizon reaches zero, this one takes over; it holds until
 * the warranty is extended (a later end date) or the asset leaves those statuses.
 */
export function warrantyExpired(a: AssetFact, ctx: RuleContext): Candidate | undefined {
  if (!a.warrantyEnd || !COVERED_STATUSES.includes(a.status)) return undefined;
  const day = today(ctx.now);
  if (a.warrantyEnd >= day) return undefined;
  const since = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${a.warrantyEnd}T00:00:00Z`)) / 86_400_000);
  return {
    type: 'warranty_expired',
    subjectKind: 'asset',
    subjectId: a.id,
    subKey: '',
    severity: a.status === 'deployed' ? 'medium' : 'low',
    summary: `${assetLabel(a)} (${a.status === 'deployed' ? 'deployed' : 'in stock'}): warranty ended ${a.warrantyEnd} (${plural(since, 'day')} ago)`,
    // The status is left out of the evidence: moving a machine to or from stock is no news about its warranty.
    facts: { assetTag: a.assetTag, warrantyEnd: a.warrantyEnd },
    observed: { daysSince: since, status: a.status },
    refs: [assetRef(a)],
  };
}

export default defineRule({
  type: 'warranty_expired',
  subjectKind: 'asset',
  defaultSeverity: 'medium',
  description: 'A warranty that has ended on an asset deployed (medium) or in stock (low).',
  reads: ['assets'],
  evaluate: ({ assets }, ctx) => each(assets, (a) => warrantyExpired(a, ctx)),
});
