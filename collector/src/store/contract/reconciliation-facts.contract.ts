import { expect, it } from 'vitest';
import type { OpenStores } from '../../domain/ports.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

/**
 * The facts reconciliation reads. Devices, assets and licenses come in through the inventory and
 * register ports; on a fresh store every fact is empty and matching has nothing to do.
 */
export default function reconciliationFactsContract(open: OpenStores): void {
  it('reads empty facts from a fresh store, and matching finds nothing to link', async () => {
    const stores = await open();
    const { facts } = stores;
    expect(await facts.matchAll(NOW)).toEqual({ devices: 0, changed: 0, linked: 0 });
    await expect(facts.trackSecurityPending()).resolves.toBeUndefined();
    expect(await facts.devices()).toEqual([]);
    expect(await facts.assets()).toEqual([]);
    expect(await facts.conflicts()).toEqual([]);
    expect(await facts.hardwareRemovals(new Date(0).toISOString())).toEqual([]);
    const steps: string[] = [];
    expect(await facts.licenses(new Map(), (step) => steps.push(step))).toEqual([]);
    expect(steps).toEqual(['license_match']);
    expect(await facts.coverage(['deployed'], NOW.toISOString())).toEqual({ inUse: 0, seen: 0 });
    await stores.close();
  });
}
