import { expect, it } from 'vitest';
import { deviceReporting } from './inventory-support.ts';
import type { OpenPorts } from './open-ports.ts';

/** Identity conflicts: identifiers several machines share, which matching never trusts. */
export default function identityConflictsContract(open: OpenPorts<'inventory' | 'identityConflicts'>): void {
  it('names a serial two live devices report, on each of them and in the fleet list', async () => {
    const stores = await open();
    const a = await deviceReporting(stores, 'agent-1', {
      serial: 'CZC1',
      uuid: '4c4c4544-0000-0000-0000-000000000001',
    });
    const b = await deviceReporting(stores, 'agent-2', {
      serial: 'CZC1',
      uuid: '4c4c4544-0000-0000-0000-000000000002',
    });
    expect(a).not.toBe(b);
    const conflict = { kind: 'duplicate_serial', value: 'CZC1', deviceIds: [a, b].sort(), assetIds: [] };
    expect(await stores.identityConflicts.ofDevice(a)).toEqual([conflict]);
    expect(await stores.identityConflicts.all()).toEqual([conflict]);
    expect(await stores.identityConflicts.ofDevice('no-such-device')).toEqual([]);
    expect(await stores.identityConflicts.ofAsset('no-such-asset')).toEqual([]);
  });
}
