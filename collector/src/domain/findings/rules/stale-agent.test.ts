import { describe, expect, it } from 'vitest';
import { ago, ctx, device } from '../rule-fixtures.ts';
import { staleAgent } from './stale-agent.rule.ts';

describe('stale_agent', () => {
  it('stale: silent for the policy days, until its asset becomes a ghost', () => {
    expect(staleAgent(device({ lastSeenAt: ago(6.9) }), ctx(), new Set())).toBeUndefined();
    expect(staleAgent(device({ lastSeenAt: ago(7) }), ctx(), new Set())).toMatchObject({ severity: 'low' });
    expect(staleAgent(device({ lastSeenAt: ago(40) }), ctx(), new Set(['asset-1']))).toBeUndefined();
    expect(staleAgent(device({ lastSeenAt: ago(40), assetId: null }), ctx(), new Set(['asset-1']))).toBeDefined();
  });
});
