import { describe, expect, it } from 'vitest';
import { identityConflict } from './identity-conflict.rule.ts';

describe('identity_conflict', () => {
  it('identity conflicts: one finding per shared identifier, involving every device and asset', () => {
    const c = identityConflict({ kind: 'duplicate_serial', value: 'X1', deviceIds: ['a', 'b'], assetIds: ['z'] });
    expect(c).toMatchObject({
      subjectKind: 'identifier',
      subjectId: 'duplicate_serial',
      subKey: 'X1',
      severity: 'medium',
    });
    expect(c.refs).toEqual([
      { kind: 'device', id: 'a' },
      { kind: 'device', id: 'b' },
      { kind: 'asset', id: 'z' },
    ]);
    expect(identityConflict({ kind: 'shared_mac', value: 'm', deviceIds: ['a', 'b'], assetIds: [] }).severity).toBe(
      'low',
    );
  });
});
