import { describe, expect, it } from 'vitest';
import { ago, ctx, device } from '../rule-fixtures.ts';
import { unregisteredDevice } from './unregistered-device.rule.ts';

describe('unregistered_device', () => {
  it('unregistered: a present device with no asset, saying why', () => {
    expect(unregisteredDevice(device(), ctx(), [])).toBeUndefined();
    const d = device({ assetId: null, linkMethod: null });
    expect(unregisteredDevice(d, ctx(), [])?.summary).toContain('no register asset matches it');
    expect(unregisteredDevice({ ...d, linkMethod: 'manual' }, ctx(), [])?.facts).toMatchObject({
      manuallyUnlinked: true,
    });
    const conflict = { kind: 'duplicate_serial' as const, value: 'SN1', deviceIds: ['dev-1', 'dev-2'], assetIds: [] };
    expect(unregisteredDevice(d, ctx(), [conflict])?.summary).toContain('duplicate serial SN1 (2 devices)');
    expect(unregisteredDevice({ ...d, lastSeenAt: ago(31) }, ctx(), [])).toBeUndefined();
  });
});
