import { describe, expect, it } from 'vitest';
import { ago, asset } from '../rule-fixtures.ts';
import { retiredAssetActive } from './retired-asset-active.rule.ts';

describe('retired_asset_active', () => {
  it('retired asset active: a linked device reported after the status change; lost or stolen is critical', () => {
    const retired = asset({ status: 'retired', statusSince: ago(10), lastSeenAt: ago(1) });
    expect(retiredAssetActive(retired)).toMatchObject({
      severity: 'high',
      refs: expect.arrayContaining([{ kind: 'device', id: 'dev-1' }]),
    });
    expect(retiredAssetActive({ ...retired, lastSeenAt: ago(11) })).toBeUndefined();
    expect(retiredAssetActive({ ...retired, status: 'stolen' })?.severity).toBe('critical');
    expect(retiredAssetActive({ ...retired, status: 'deployed' })).toBeUndefined();
    expect(retiredAssetActive({ ...retired, lastSeenAt: null, lastDeviceId: null })).toBeUndefined();
  });
});
