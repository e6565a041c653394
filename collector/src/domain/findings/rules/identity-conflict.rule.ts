import type { IdentityConflict } from '../ports.ts';
import { type Candidate, defineRule } from '../rule.ts';

/**
 * What a conflict says, and how serious it is. An open claim is the most serious: a newer agent
 * reports the hardware of a device another live agent follows, which is how a takeover with a
 * leaked enroll secret would look (a reinstall looks the same, and settles itself by evidence).
 */
function described(c: IdentityConflict): { severity: Candidate['severity']; summary: string } {
  if (c.kind === 'claimed_identity') {
    const [claimedId, claimantId] = c.deviceIds;
    return {
      severity: 'high',
      summary: `a new agent (device ${claimantId}) reports the hardware of device ${claimedId} (serial ${c.value}), which another agent follows: it stays on its own device until the old agent is revoked or long silent, or an admin adopts the device for it`,
    };
  }
  if (c.kind === 'cloned_machine') {
    const [originalId, cloneId] = c.deviceIds;
    return {
      severity: 'high',
      summary: `a new agent (device ${cloneId}) reports the serial ${c.value} and UUID of device ${originalId} from other network hardware: a copied machine (a cloned VM) or an impostor. Both stay separate devices, and nothing moves between them by itself: keep both, or merge, delete or adopt`,
    };
  }
  const serious = c.kind === 'duplicate_serial' || c.kind === 'duplicate_asset_serial';
  const who =
    c.kind === 'duplicate_asset_serial'
      ? `${c.assetIds.length} register assets carry serial ${c.value}`
      : `${c.deviceIds.length} devices report ${c.kind.replace('shared_', '').replace('duplicate_', '')} ${c.value}`;
  return {
    severity: serious ? 'medium' : 'low',
    summary: `${who}: it identifies none of them, so matching ignores it`,
  };
}

/** An identifier that names several machines: never used to match, so someone should look. */
export function identityConflict(c: IdentityConflict): Candidate {
  return {
    type: 'identity_conflict',
    subjectKind: 'identifier',
    subjectId: c.kind,
    subKey: c.value,
    ...described(c),
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
    'A serial, UUID or MAC that several devices (or a serial several assets) share; matching ignores it (low for shared UUIDs and MACs). High when a new agent claims the hardware of a device another agent follows, or reports a known device’s serial and UUID from other network hardware (a clone).',
  reads: ['conflicts'],
  evaluate: ({ conflicts }) => conflicts.map(identityConflict),
});
