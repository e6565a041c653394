import { serialKey } from '../../matching/identifiers.ts';
import type { DeviceFact, HardwareRemoval } from '../ports.ts';
import { type Candidate, daysSince, defineRule, each, type RuleContext } from '../rule.ts';
import { deviceRef } from '../subjects.ts';

const IDENTIFYING = ['label', 'serial', 'vendor', 'model', 'sizeBytes'] as const;

/** The same part: every identifying attribute the removed one reported is there, unchanged. */
function samePart(removed: Record<string, unknown>, current: Record<string, unknown>): boolean {
  return IDENTIFYING.every((k) => removed[k] === current[k]);
}

/**
 * A memory module, disk or NIC (the policy's kinds) that disappeared or was swapped for another
 * within the window, and has not come back. One finding per component.
 */
export function hardwareChanged(r: HardwareRemoval, ctx: RuleContext): Candidate | undefined {
  if (!(ctx.policy.hardwareKinds as readonly string[]).includes(r.kind)) return undefined;
  if (daysSince(r.observedAt, ctx.now) >= ctx.policy.hardwareChangeWindowDays) return undefined;
  if (r.current && samePart(r.removed, r.current)) return undefined;
  const what = r.current ? `${r.subject} was swapped` : `${r.subject} was removed`;
  return {
    type: 'hardware_changed',
    subjectKind: 'device',
    subjectId: r.deviceId,
    subKey: `${r.kind}:${r.key}`,
    severity: 'medium',
    summary: `${r.hostname}: ${what} (snapshot of ${r.observedAt.slice(0, 10)})`,
    facts: {
      hostname: r.hostname,
      kind: r.kind,
      removed: r.removed,
      current: r.current,
      observedAt: r.observedAt,
    },
    refs: [{ kind: 'device', id: r.deviceId }],
  };
}

/**
 * A device linked to an asset whose serial is not the device's: the board was swapped (or the
 * link is wrong). Discovery never links across disagreeing serials, so this comes from a
 * manual link made before the serial changed.
 */
export function serialChanged(d: DeviceFact): Candidate | undefined {
  if (!d.assetId) return undefined;
  const device = serialKey(d.serial);
  const asset = serialKey(d.assetSerial);
  if (!device || !asset || device === asset) return undefined;
  return {
    type: 'hardware_changed',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: 'serial',
    severity: 'high',
    summary: `${d.hostname} reports serial ${d.serial} but its register asset ${d.assetTag ?? d.assetId} says ${d.assetSerial}`,
    facts: { hostname: d.hostname, deviceSerial: d.serial, assetSerial: d.assetSerial, assetTag: d.assetTag },
    refs: [deviceRef(d), { kind: 'asset', id: d.assetId }],
  };
}

export default defineRule({
  type: 'hardware_changed',
  subjectKind: 'device',
  defaultSeverity: 'medium',
  description:
    'A watched component (memory, disk, NIC) removed or swapped within the window, or a device whose serial is not its asset’s (high).',
  reads: ['devices', 'hardwareRemovals'],
  *evaluate({ devices, hardwareRemovals }, ctx) {
    yield* each(devices, serialChanged);
    yield* each(hardwareRemovals, (r) => hardwareChanged(r, ctx));
  },
});
