import { expect, it } from 'vitest';
import type { OpenPorts } from './open-ports.ts';

const TICK = new Date('2026-11-22T12:15:00Z');
const NEXT = new Date('2026-11-22T12:30:00Z');

/** Job leases: each tick of a job goes to one claim, and a job's ticks only move forward. */
export default function jobLeasesContract(open: OpenPorts<'jobLeases'>): void {
  it('gives each tick of a job to one claim only, whoever claims it after', async () => {
    const { jobLeases } = await open();
    expect(await jobLeases.claimTick('reconcile', TICK, 'a')).toBe(true);
    expect(await jobLeases.claimTick('reconcile', TICK, 'b')).toBe(false);
    expect(await jobLeases.claimTick('reconcile', TICK, 'a')).toBe(false);
    expect(await jobLeases.claimTick('reconcile', NEXT, 'b')).toBe(true);
    // A late claim of an earlier tick, from an instance whose clock or schedule lags, is refused.
    expect(await jobLeases.claimTick('reconcile', TICK, 'c')).toBe(false);
  });

  it('keeps jobs apart', async () => {
    const { jobLeases } = await open();
    expect(await jobLeases.claimTick('reconcile', TICK, 'a')).toBe(true);
    expect(await jobLeases.claimTick('retention', TICK, 'a')).toBe(true);
  });

  it('gives a tick claimed by many at once to exactly one', async () => {
    const { jobLeases } = await open();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => jobLeases.claimTick('retention', NEXT, `instance-${i}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
}
