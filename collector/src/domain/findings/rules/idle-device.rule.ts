import type { DeviceActivity } from '../../usage/ports.ts';
import type { AssetFact, DeviceFact } from '../ports.ts';
import { type Candidate, daysSince, defineRule, plural, type RuleContext } from '../rule.ts';

/**
 * A deployed asset nobody uses: its device had no interactive login for the policy's days
 * (sessions open at its last report count as a login then), or nobody ever logged in since it
 * was deployed that long ago, so a device that went quiet after its last user left is idle too.
 * A candidate to redeploy instead of buying new. Devices whose agent never said who logs in
 * (an older agent) are not judged. It resolves when someone logs in, or the asset leaves deployed.
 */
export function idleDevice(
  asset: AssetFact,
  device: DeviceFact,
  activity: DeviceActivity,
  ctx: RuleContext,
): Candidate | undefined {
  const lastActivity = activity.sessionsOpen ? device.lastSeenAt : activity.lastLoginAt;
  const since = lastActivity ?? asset.statusSince;
  const days = daysSince(since, ctx.now);
  if (days < ctx.policy.idleAfterDays) return undefined;
  const who = activity.lastLoginUser ? ` (${activity.lastLoginUser})` : '';
  return {
    type: 'idle_device',
    subjectKind: 'asset',
    subjectId: asset.id,
    subKey: '',
    severity: 'info',
    summary: lastActivity
      ? `${asset.assetTag} (${device.hostname}): no interactive login for ${plural(days, 'day')}, last ${lastActivity.slice(0, 10)}${who}; redeploy before buying`
      : `${asset.assetTag} (${device.hostname}): nobody has logged in since it was deployed ${since.slice(0, 10)}; redeploy before buying`,
    facts: {
      assetTag: asset.assetTag,
      hostname: device.hostname,
      lastLoginAt: lastActivity ?? null,
      lastLoginUser: activity.lastLoginUser,
      idleAfterDays: ctx.policy.idleAfterDays,
    },
    observed: { daysIdle: days, lastSeenAt: device.lastSeenAt },
    refs: [
      { kind: 'asset', id: asset.id },
      { kind: 'device', id: device.id },
    ],
  };
}

export default defineRule({
  type: 'idle_device',
  subjectKind: 'asset',
  defaultSeverity: 'info',
  description:
    'A deployed asset whose device had no interactive login for the policy’s idle days (or nobody logged in since it was deployed): redeploy it before buying new.',
  reads: ['assets', 'devices', 'activity'],
  *evaluate({ assets, devices, activity }, ctx) {
    const byDevice = new Map(devices.map((d) => [d.id, d]));
    const known = new Map(activity.map((a) => [a.deviceId, a]));
    for (const asset of assets) {
      if (asset.status !== 'deployed' || !asset.lastDeviceId) continue;
      const device = byDevice.get(asset.lastDeviceId);
      const seen = known.get(asset.lastDeviceId);
      if (!device || !seen) continue;
      const c = idleDevice(asset, device, seen, ctx);
      if (c) yield c;
    }
  },
});
