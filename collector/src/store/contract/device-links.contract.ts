import { expect, it } from 'vitest';
import { NotFoundError } from '../../domain/errors.ts';
import { deviceReporting } from './inventory-support.ts';
import type { OpenPorts } from './open-ports.ts';

/** Device links: which register asset a device is, as a person decided it. */
export default function deviceLinksContract(open: OpenPorts<'inventory' | 'deviceLinks'>): void {
  it('keeps a manual unlink until the device is handed back to discovery', async () => {
    const stores = await open();
    const id = await deviceReporting(stores, 'agent-1', { serial: 'CZC1' });
    expect(await stores.deviceLinks.linkOf(id)).toBeUndefined();
    await stores.deviceLinks.unlinkManually(id, 'admin');
    expect(await stores.deviceLinks.linkOf(id)).toMatchObject({ assetId: null, method: 'manual', linkedBy: 'admin' });
    await stores.deviceLinks.unlinkManually(id, 'admin', { rediscover: true });
    expect(await stores.deviceLinks.linkOf(id)).toBeUndefined();
  });

  it('refuses to link a device or to an asset that does not exist', async () => {
    const stores = await open();
    const id = await deviceReporting(stores, 'agent-1', {});
    await expect(stores.deviceLinks.linkManually('no-such-device', 'asset', 'admin')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(stores.deviceLinks.linkManually(id, 'no-such-asset', 'admin')).rejects.toThrow(
      'No asset no-such-asset',
    );
    await expect(stores.deviceLinks.unlinkManually('no-such-device', 'admin')).rejects.toThrow(
      'No device no-such-device',
    );
  });
}
