import type { IdentityConflict } from '../ports.ts';
import { type Candidate, defineRule } from '../rule.ts';

/** An identifier that names several machines: never used to match, so someone should look. */
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

export default defineRule({
  type: 'identity_conflict',
  subjectKind: 'identifier',
  defaultSeverity: 'medium',
  description:
    'A serial, UUID or MAC that several devices (or a serial several assets) share; matching ignores it (low for shared UUIDs and MACs).',
  reads: ['conflicts'],
  evaluate: ({ conflicts }) => conflicts.map(identityConflict),
});
