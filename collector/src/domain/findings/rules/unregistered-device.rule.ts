import type { DeviceFact, IdentityConflict } from '../ports.ts';
import { type Candidate, defineRule, each, type RuleContext } from '../rule.ts';
import { deviceRef, isActive } from '../subjects.ts';

/** Shadow IT: a device that reports, that no register asset matched. */
export function unregisteredDevice(
  d: DeviceFact,
  ctx: RuleContext,
  conflicts: readonly IdentityConflict[],
): Candidate | undefined {
  if (d.assetId !== null || !isActive(d, ctx)) return undefined;
  const why = d.linkMethod === 'manual' ? 'unlinked by hand' : 'no register asset matches it';
  const conflictText = conflicts.length
    ? `; ${conflicts.map((c) => `${c.kind.replace(/_/g, ' ')} ${c.value} (${c.deviceIds.length} devices)`).join(', ')}`
    : '';
  return {
    type: 'unregistered_device',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: '',
    severity: 'medium',
    summary: `${d.hostname}${d.serial ? ` (serial ${d.serial})` : ''} reports but is not in the register: ${why}${conflictText}`,
    facts: {
      hostname: d.hostname,
      serial: d.serial,
      manuallyUnlinked: d.linkMethod === 'manual',
      conflicts: conflicts.map((c) => ({ kind: c.kind, value: c.value, deviceIds: c.deviceIds })),
    },
    observed: { lastSeenAt: d.lastSeenAt },
    refs: [deviceRef(d)],
  };
}

/** The conflicts each device is part of, so its finding can say why matching could not place it. */
function conflictsByDevice(conflicts: readonly IdentityConflict[]): Map<string, IdentityConflict[]> {
  const byDevice = new Map<string, IdentityConflict[]>();
  for (const c of conflicts) for (const id of c.deviceIds) byDevice.set(id, [...(byDevice.get(id) ?? []), c]);
  return byDevice;
}

export default defineRule({
  type: 'unregistered_device',
  subjectKind: 'device',
  defaultSeverity: 'medium',
  description: 'A device that reports (within the ghost window) but matches no register asset: shadow IT.',
  reads: ['devices', 'conflicts'],
  evaluate({ devices, conflicts }, ctx) {
    const conflictsOf = conflictsByDevice(conflicts);
    return each(devices, (d) => unregisteredDevice(d, ctx, conflictsOf.get(d.id) ?? []));
  },
});
