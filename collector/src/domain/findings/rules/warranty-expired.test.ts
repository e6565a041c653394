import { describe, expect, it } from 'vitest';
import type { AssetFact } from '../ports.ts';
import { asset, ctx, inDays } from '../rule-fixtures.ts';
import { warrantyExpired } from './warranty-expired.rule.ts';
import { warrantyExpiring } from './warranty-expiring.rule.ts';

describe('warranty_expired', () => {
  const w = (days: number, extra: Partial<AssetFact> = {}) =>
    warrantyExpired(asset({ warrantyEnd: inDays(days), ...extra }), ctx());

  it('holds from the day after the warranty ends, on a deployed asset (medium) or one in stock (low)', () => {
    expect(w(-1)).toMatchObject({
      type: 'warranty_expired',
      subjectKind: 'asset',
      subjectId: 'asset-1',
      severity: 'medium',
      summary: `LT-1 (deployed): warranty ended ${inDays(-1)} (1 day ago)`,
      facts: { assetTag: 'LT-1', warrantyEnd: inDays(-1) },
      observed: { daysSince: 1, status: 'deployed' },
    });
    expect(w(-400, { status: 'in_stock' })?.severity).toBe('low');
    expect(w(0)).toBeUndefined();
    expect(w(10)).toBeUndefined();
  });

  it('leaves alone assets out of use and assets without a warranty date', () => {
    for (const status of ['retired', 'disposed', 'lost', 'stolen', 'in_repair', 'planned', 'ordered'] as const) {
      expect(w(-5, { status })).toBeUndefined();
    }
    expect(warrantyExpired(asset({ warrantyEnd: null }), ctx())).toBeUndefined();
  });

  it('takes over where warranty_expiring stops, with no day covered twice or missed', () => {
    for (const days of [-2, -1, 0, 1]) {
      const a = asset({ warrantyEnd: inDays(days) });
      expect([warrantyExpiring(a, ctx()), warrantyExpired(a, ctx())].filter(Boolean)).toHaveLength(1);
    }
  });

  it('keeps the same evidence when the asset moves between stock and use', () => {
    expect(w(-3, { status: 'in_stock' })?.facts).toEqual(w(-3)?.facts);
  });
});
