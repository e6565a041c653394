import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../policies.ts';
import { ago, ctx, device, removal } from '../rule-fixtures.ts';
import { hardwareChanged, serialChanged } from './hardware-changed.rule.ts';

describe('hardware_changed', () => {
  it('serial changed: a linked device whose serial is not its asset’s (junk serials prove nothing)', () => {
    expect(serialChanged(device())).toBeUndefined();
    expect(serialChanged(device({ serial: 'sn 1' }))).toBeUndefined();
    expect(serialChanged(device({ serial: 'SN2', linkMethod: 'manual' }))).toMatchObject({
      type: 'hardware_changed',
      subKey: 'serial',
      severity: 'high',
    });
    expect(serialChanged(device({ serial: 'To be filled by O.E.M.' }))).toBeUndefined();
    expect(serialChanged(device({ serial: 'SN2', assetId: null }))).toBeUndefined();
  });

  it('hardware changed: a part gone, or swapped under the same key, within the window, of a watched kind', () => {
    expect(hardwareChanged(removal(), ctx())).toMatchObject({ subKey: 'memory:serial:M-2', severity: 'medium' });
    expect(hardwareChanged(removal({ current: { ...removal().removed } }), ctx())).toBeUndefined();
    expect(hardwareChanged(removal({ current: { ...removal().removed, sizeBytes: 16 } }), ctx())?.summary).toContain(
      'swapped',
    );
    expect(hardwareChanged(removal({ observedAt: ago(30) }), ctx())).toBeUndefined();
    expect(hardwareChanged(removal({ kind: 'gpu' }), ctx())).toBeUndefined();
    expect(hardwareChanged(removal({ kind: 'gpu' }), ctx(resolvePolicy({ hardwareKinds: ['gpu'] })))).toBeDefined();
  });
});
