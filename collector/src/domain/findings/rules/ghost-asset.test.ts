import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../policies.ts';
import { ago, asset, ctx } from '../rule-fixtures.ts';
import { ghostAsset } from './ghost-asset.rule.ts';

describe('ghost_asset', () => {
  it('ghost: in use, silent for the window or never seen, after being in its status that long', () => {
    expect(ghostAsset(asset(), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: ago(29.9) }), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: ago(30) }), ctx())).toMatchObject({
      type: 'ghost_asset',
      severity: 'medium',
    });
    const never = ghostAsset(asset({ lastSeenAt: null, lastDeviceId: null }), ctx());
    expect(never?.summary).toContain('no agent has ever reported it');
    // Deployed last week from stock: no time to report yet.
    expect(ghostAsset(asset({ lastSeenAt: null, statusSince: ago(7) }), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: null, status: 'in_repair' }), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: null, status: 'in_stock' }), ctx())).toBeDefined();
    const custom = resolvePolicy({ ghostAfterDays: 60, ghostStatuses: ['deployed'] });
    expect(ghostAsset(asset({ lastSeenAt: ago(45) }), ctx(custom))).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: null, status: 'in_stock' }), ctx(custom))).toBeUndefined();
  });
});
