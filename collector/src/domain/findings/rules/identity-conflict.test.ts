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

  it('a new agent claiming a followed device: high, naming the claimed device first', () => {
    const c = identityConflict({
      kind: 'claimed_identity',
      value: 'X1',
      deviceIds: ['victim', 'claimant'],
      assetIds: [],
    });
    expect(c).toMatchObject({ subjectId: 'claimed_identity', subKey: 'X1', severity: 'high' });
    expect(c.summary).toContain('device claimant');
    expect(c.summary).toContain('hardware of device victim');
  });

  it('a clone (a known serial and UUID from other network hardware): high, saying both stay separate', () => {
    const c = identityConflict({
      kind: 'cloned_machine',
      value: 'X1',
      deviceIds: ['original', 'clone'],
      assetIds: ['z'],
    });
    expect(c).toMatchObject({ subjectId: 'cloned_machine', subKey: 'X1', severity: 'high' });
    expect(c.summary).toContain('device clone');
    expect(c.summary).toContain('of device original');
    expect(c.summary).toContain('Both stay separate devices');
  });
});
