import type { DeviceFact } from '../ports.ts';
import { type Candidate, daysSince, defineRule, each, plural, type RuleContext } from '../rule.ts';
import { deviceRef } from '../subjects.ts';
import { ghostAsset } from './ghost-asset.rule.ts';

/**
 * A device that used to report and has gone quiet. Once its register asset becomes a ghost
 * the ghost finding says it better, so the stale one resolves.
 */
export function staleAgent(d: DeviceFact, ctx: RuleContext, ghostAssets: ReadonlySet<string>): Candidate | undefined {
  const days = daysSince(d.lastSeenAt, ctx.now);
  if (days < ctx.policy.staleAfterDays) return undefined;
  if (d.assetId !== null && ghostAssets.has(d.assetId)) return undefined;
  return {
    type: 'stale_agent',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: '',
    severity: 'low',
    summary: `${d.hostname} has not reported for ${plural(days, 'day')} (last ${d.lastSeenAt.slice(0, 10)}; policy ${ctx.policy.staleAfterDays})`,
    facts: { hostname: d.hostname, lastSeenAt: d.lastSeenAt, staleAfterDays: ctx.policy.staleAfterDays },
    observed: { daysSilent: days },
    refs: [deviceRef(d), ...(d.assetId ? [{ kind: 'asset' as const, id: d.assetId }] : [])],
  };
}

export default defineRule({
  type: 'stale_agent',
  subjectKind: 'device',
  defaultSeverity: 'low',
  description: 'A device that has not reported for the stale window, unless its asset is already a ghost.',
  reads: ['devices', 'assets'],
  evaluate({ devices, assets }, ctx) {
    const ghosts = new Set(assets.filter((a) => ghostAsset(a, ctx) !== undefined).map((a) => a.id));
    return each(devices, (d) => staleAgent(d, ctx, ghosts));
  },
});
