import type { AssetFact } from '../ports.ts';
import { addDays, type Candidate, defineRule, each, plural, type RuleContext, today } from '../rule.ts';
import { assetLabel, assetRef, OUT_OF_SERVICE } from '../subjects.ts';

/** A warranty that ends within the horizon (and has not ended yet) on an asset still in service. */
export function warrantyExpiring(a: AssetFact, ctx: RuleContext): Candidate | undefined {
  if (!a.warrantyEnd || OUT_OF_SERVICE.includes(a.status)) return undefined;
  const day = today(ctx.now);
  if (a.warrantyEnd < day || a.warrantyEnd > addDays(day, ctx.policy.warrantyHorizonDays)) return undefined;
  const left = Math.round((Date.parse(`${a.warrantyEnd}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  return {
    type: 'warranty_expiring',
    subjectKind: 'asset',
    subjectId: a.id,
    subKey: '',
    severity: left <= 30 ? 'medium' : 'low',
    summary: `${assetLabel(a)}: warranty ends ${a.warrantyEnd} (in ${plural(left, 'day')})`,
    facts: { assetTag: a.assetTag, warrantyEnd: a.warrantyEnd, horizonDays: ctx.policy.warrantyHorizonDays },
    observed: { daysLeft: left },
    refs: [assetRef(a)],
  };
}

export default defineRule({
  type: 'warranty_expiring',
  subjectKind: 'asset',
  defaultSeverity: 'low',
  description: 'A warranty that ends within the horizon on an asset still in service (medium within 30 days).',
  reads: ['assets'],
  evaluate: ({ assets }, ctx) => each(assets, (a) => warrantyExpiring(a, ctx)),
});
