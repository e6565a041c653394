import { expect, it } from 'vitest';
import type { OpenStores } from '../../domain/ports.ts';

/** What every engine does, whatever the aggregate: opens empty and closes cleanly. */
export default function storesContract(open: OpenStores): void {
  it('answers a ping while open', async () => {
    const stores = await open();
    await expect(stores.ping()).resolves.toBeUndefined();
  });

  it('opens a fresh store and closes it', async () => {
    const stores = await open();
    await expect(stores.close()).resolves.toBeUndefined();
  });
}
