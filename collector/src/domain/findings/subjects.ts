import type { AssetStatus } from '@stocktake/shared/api';
import type { AssetFact, DeviceFact, LicenseFact } from './ports.ts';
import { daysSince, type RuleContext } from './rule.ts';

/** Register statuses that say the machine is gone from use: it should not report any more. */
export const OUT_OF_SERVICE: readonly AssetStatus[] = ['retired', 'disposed', 'lost', 'stolen'];

export const assetRef = (a: AssetFact) => ({ kind: 'asset' as const, id: a.id });
export const deviceRef = (d: DeviceFact) => ({ kind: 'device' as const, id: d.id });
/** Every entitlement of a position, so that "findings about this license" finds its product's findings. */
export const entitlementRefs = (l: LicenseFact) => l.entitlements.map((e) => ({ kind: 'license' as const, id: e.id }));

/** An asset as a person recognises it: its tag, and its name when it has one. */
export const assetLabel = (a: AssetFact) => `${a.assetTag}${a.name ? ` (${a.name})` : ''}`;

/** What a license counts: devices, or the users of devices. */
export const licenseUnit = (l: LicenseFact) => (l.metric === 'per_user' ? 'user' : 'device');

/** A device counts as present (its installs, its patch state, its missing registration) while it reported within the ghost window. */
export function isActive(d: DeviceFact, ctx: RuleContext): boolean {
  return daysSince(d.lastSeenAt, ctx.now) < ctx.policy.ghostAfterDays;
}
