import type { IdentityConflict } from '../../../store/sqlite/matching/conflicts.ts';
import { type Candidate, daysSince, type HardwareRemoval, type RuleContext } from './types.ts';

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

/** An identifier that names several machines (issue 6's conflicts): never used to match, so someone should look. */
export function identityConflict(c: IdentityConflict): Candidate {
  const serious = c.kind === 'duplicate_serial' || c.kind === 'duplicate_asset_serial';
  const who =
    c.kind === 'duplicate_asset_serial'
      ? `${c.assetIds.length} register assets carry serial ${c.value}`
      : `${c.deviceIds.length} devices report ${c.kind.replace('shared_', '').replace('duplicate_', '')} ${c.value}`;
  return {
    type: 'identity_conflict',
    subjectKind: 'identifier',
    subjectId: c.kind,
    subKey: c.value,
    severity: serious ? 'medium' : 'low',
    summary: `${who}: it identifies none of them, so matching ignores it`,
    facts: { kind: c.kind, value: c.value, deviceIds: c.deviceIds, assetIds: c.assetIds },
    refs: [
      ...c.deviceIds.map((id) => ({ kind: 'device' as const, id })),
      ...c.assetIds.map((id) => ({ kind: 'asset' as const, id })),
    ],
  };
}
