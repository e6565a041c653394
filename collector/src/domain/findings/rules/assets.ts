import type { AssetStatus } from '@stocktake/shared/api';
import { type AssetFact, addDays, type Candidate, daysSince, plural, type RuleContext, today } from './types.ts';

/** Register statuses that say the machine is gone from use: it should not report any more. */
export const OUT_OF_SERVICE: readonly AssetStatus[] = ['retired', 'disposed', 'lost', 'stolen'];

const assetRef = (a: AssetFact) => ({ kind: 'asset' as const, id: a.id });
const label = (a: AssetFact) => `${a.assetTag}${a.name ? ` (${a.name})` : ''}`;

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
    summary: `${label(a)} is ${a.status.replace('_', ' ')} in the register but ${seen} (policy ${n} days)`,
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

/** Retired, disposed, lost or stolen in the register, and a linked device reported after that. */
export function retiredAssetActive(a: AssetFact): Candidate | undefined {
  if (!OUT_OF_SERVICE.includes(a.status) || !a.lastSeenAt || !a.lastDeviceId) return undefined;
  if (Date.parse(a.lastSeenAt) <= Date.parse(a.statusSince)) return undefined;
  // A lost or stolen machine that reports is where it is now: the most urgent kind.
  const severity = a.status === 'lost' || a.status === 'stolen' ? 'critical' : 'high';
  return {
    type: 'retired_asset_active',
    subjectKind: 'asset',
    subjectId: a.id,
    subKey: '',
    severity,
    summary: `${label(a)} is ${a.status} since ${a.statusSince.slice(0, 10)} but ${a.lastDeviceHostname ?? a.lastDeviceId} still reports (last ${a.lastSeenAt.slice(0, 16).replace('T', ' ')})`,
    facts: {
      assetTag: a.assetTag,
      status: a.status,
      statusSince: a.statusSince,
      deviceId: a.lastDeviceId,
      hostname: a.lastDeviceHostname,
    },
    observed: { lastSeenAt: a.lastSeenAt },
    refs: [assetRef(a), { kind: 'device', id: a.lastDeviceId }],
  };
}

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
    summary: `${label(a)}: warranty ends ${a.warrantyEnd} (in ${plural(left, 'day')})`,
    facts: { assetTag: a.assetTag, warrantyEnd: a.warrantyEnd, horizonDays: ctx.policy.warrantyHorizonDays },
    observed: { daysLeft: left },
    refs: [assetRef(a)],
  };
}
