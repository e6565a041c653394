import { describe, expect, it } from 'vitest';
import type { AssetFact } from '../ports.ts';
import { asset, ctx, inDays } from '../rule-fixtures.ts';
import { warrantyExpiring } from './warranty-expiring.rule.ts';

describe('warranty_expiring', () => {
  it('warranty expiring: from today to the horizon, for assets in service', () => {
    const w = (days: number, extra: Partial<AssetFact> = {}) =>
      warrantyExpiring(asset({ warrantyEnd: inDays(days), ...extra }), ctx());
    expect(w(0)?.severity).toBe('medium');
    expect(w(30)?.severity).toBe('medium');
    expect(w(31)?.severity).toBe('low');
    expect(w(90)).toBeDefined();
    expect(w(91)).toBeUndefined();
    expect(w(-1)).toBeUndefined();
    expect(w(10, { status: 'disposed' })).toBeUndefined();
    expect(w(10)?.facts).toEqual({ assetTag: 'LT-1', warrantyEnd: inDays(10), horizonDays: 90 });
  });
});
