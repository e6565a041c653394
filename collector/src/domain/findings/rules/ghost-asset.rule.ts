import type { AssetFact } from '../ports.ts';
import { type Candidate, daysSince, defineRule, each, type RuleContext } from '../rule.ts';
import { assetLabel, assetRef } from '../subjects.ts';

/**
 * In the register as in use, yet no agent has reported it within the ghost window, or ever.
 * An asset gets that long in its status first: one deployed yesterday has had no time to report.
 */
export function ghostAsset(a: AssetFact, ctx: RuleContext): Candidate | undefined {
  const n = ctx.policy.ghostAfterDays;
  if (!ctx.policy.ghostStatuses.includes(a.status)) return undefined;
  if (daysSince(a.statusSince, ctx.now) < n) return undefined;
  if (a.lastSeenAt !== null && daysSince(a.lastSeenAt, ctx.now) < n) return undefined;
  const seen = a.lastSeenAt
    ? `last reported ${a.lastSeenAt.slice(0, 10)} by ${a.lastDeviceHostname ?? a.lastDeviceId}`
    : 'no agent has ever reported it';
  return {
    type: 'ghost_asset',
    subjectKind: 'asset',
    subjectId: a.id,
    subKey: '',
    severity: 'medium',
    summary: `${assetLabel(a)} is ${a.status.replace('_', ' ')} in the register but ${seen} (policy ${n} days)`,
    facts: {
      assetTag: a.assetTag,
      status: a.status,
      serial: a.serial,
      lastSeenAt: a.lastSeenAt,
      lastDeviceId: a.lastDeviceId,
      ghostAfterDays: n,
    },
    observed: a.lastSeenAt ? { daysUnseen: daysSince(a.lastSeenAt, ctx.now) } : {},
    refs: [assetRef(a), ...(a.lastDeviceId ? [{ kind: 'device' as const, id: a.lastDeviceId }] : [])],
  };
}

export default defineRule({
  type: 'ghost_asset',
  subjectKind: 'asset',
  defaultSeverity: 'medium',
  description:
    'An asset the register has in use (deployed, in stock) that no agent has reported within the ghost window.',
  reads: ['assets'],
  evaluate: ({ assets }, ctx) => each(assets, (a) => ghostAsset(a, ctx)),
});
