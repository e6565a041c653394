import { READINESS_CHECKS } from '@stocktake/shared/api';
import { expect, it } from 'vitest';
import type { OpenPorts } from './open-ports.ts';

/** What every engine does, whatever the aggregate: opens empty, says whether it is ready, and closes cleanly. */
export default function storesContract(open: OpenPorts<'readiness'>): void {
  it('is ready when open: it takes a write, has the schema expected, and the free space asked for', async () => {
    const stores = await open();
    const checks = await stores.readiness({ minFreeBytes: 0 });
    expect(checks.map((c) => c.name)).toEqual([...READINESS_CHECKS]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('fails the disk-space check alone when asked for more free space than any disk has', async () => {
    const stores = await open();
    const checks = await stores.readiness({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['disk-space']);
  });

  it('reports a closed store as not writable instead of throwing', async () => {
    const stores = await open();
    await stores.close();
    const checks = await stores.readiness({ minFreeBytes: 0 });
    expect(checks.find((c) => c.name === 'writable')).toMatchObject({ ok: false, detail: expect.any(String) });
  });

  it('opens a fresh store and closes it', async () => {
    const stores = await open();
    await expect(stores.close()).resolves.toBeUndefined();
  });
}
