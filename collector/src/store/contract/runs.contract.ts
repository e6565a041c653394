import { expect, it } from 'vitest';
import { RunInProgressError } from '../../domain/findings/errors.ts';
import type { RunCounts } from '../../domain/findings/ports.ts';
import type { OpenPorts } from './open-ports.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const counts: RunCounts = {
  byType: { ghost_asset: { opened: 2, recurred: 0, returned: 0, resolved: 1, open: 2 } },
  totals: { opened: 2, recurred: 0, returned: 0, resolved: 1, open: 2 },
};

/** Runs: recorded with their outcome and counts, one at a time. */
export default function runsContract(open: OpenPorts<'runs'>): void {
  it('records a run with its counts, matching and phases, and keeps a second one out while it runs', async () => {
    const stores = await open();
    const run = await stores.runs.start('api', 'erin', NOW);
    expect(run).toMatchObject({ trigger: 'api', actor: 'erin', status: 'running', startedAt: NOW.toISOString() });
    await expect(stores.runs.start('schedule', 'schedule', later(1))).rejects.toBeInstanceOf(RunInProgressError);
    expect(await stores.runs.latestSucceeded()).toBeUndefined();
    const finished = await stores.runs.finish(run.id, {
      status: 'succeeded',
      finishedAt: later(2),
      durationMs: 120_000,
      counts,
      matching: { devices: 3, changed: 1, linked: 2 },
      phases: { match: 5, rules: 7 },
    });
    expect(finished).toEqual({
      ...run,
      status: 'succeeded',
      finishedAt: later(2).toISOString(),
      durationMs: 120_000,
      error: null,
      counts,
      matching: { devices: 3, changed: 1, linked: 2 },
      phases: { match: 5, rules: 7 },
    });
    expect(await stores.runs.get(run.id)).toEqual(finished);
    expect(await stores.runs.latestSucceeded()).toEqual(finished);
    const next = await stores.runs.start('cli', 'root', later(3));
    await stores.runs.finish(next.id, { status: 'failed', finishedAt: later(4), durationMs: 60_000, error: 'boom' });
    expect(await stores.runs.get(next.id)).toMatchObject({ status: 'failed', error: 'boom', counts: null });
    expect(await stores.runs.latestSucceeded()).toEqual(finished);
    expect(await stores.runs.count()).toBe(2);
    expect(await stores.runs.get(next.id + 1000)).toBeUndefined();
    await stores.close();
  });

  it('takes over a run still marked running long after it started (its process died)', async () => {
    const stores = await open();
    const dead = await stores.runs.start('api', 'erin', NOW);
    const run = await stores.runs.start('schedule', 'schedule', later(31));
    expect(run.status).toBe('running');
    expect(await stores.runs.get(dead.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('abandoned'),
    });
    await stores.close();
  });
}
