import type { AssetFact } from '../ports.ts';
import { type Candidate, defineRule, each } from '../rule.ts';
import { assetLabel, assetRef, OUT_OF_SERVICE } from '../subjects.ts';

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
    summary: `${assetLabel(a)} is ${a.status} since ${a.statusSince.slice(0, 10)} but ${a.lastDeviceHostname ?? a.lastDeviceId} still reports (last ${a.lastSeenAt.slice(0, 16).replace('T', ' ')})`,
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

export default defineRule({
  type: 'retired_asset_active',
  subjectKind: 'asset',
  defaultSeverity: 'high',
  description:
    'An asset retired, disposed, lost or stolen in the register whose device reported after that (critical when lost or stolen).',
  reads: ['assets'],
  evaluate: ({ assets }) => each(assets, retiredAssetActive),
});
