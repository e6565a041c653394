import { POLICY_EXAMPLE } from '@stocktake/shared/api';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../domain/findings/policies.ts';

describe('the documented policy example', () => {
  it('is the policy a collector starts with, its end-of-support list cut short', () => {
    const policy = defaultPolicy();
    expect(POLICY_EXAMPLE).toEqual({ ...policy, endOfSupport: policy.endOfSupport.slice(0, 2) });
  });
});
