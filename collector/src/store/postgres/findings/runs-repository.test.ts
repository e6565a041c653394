import { afterAll, describe, expect, it } from 'vitest';
import { RunInProgressError } from '../../../domain/findings/errors.ts';
import { openPostgresStores, type PostgresPorts } from '../stores.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

describe('reconciliation runs on PostgreSQL', () => {
  it('start one at a time across collector instances sharing the database', async () => {
    const url = await databases.create();
    const instances = [await openPostgresStores({ url, poolSize: 2 }), await openPostgresStores({ url, poolSize: 2 })];
    opened.push(...instances);
    const [a, b] = instances as [PostgresPorts, PostgresPorts];
    const now = new Date('2026-11-22T12:00:00Z');
    for (let round = 0; round < 20; round++) {
      const at = new Date(now.getTime() + round * 60_000);
      const outcomes = await Promise.allSettled([a.runs.start('schedule', 'a', at), b.runs.start('schedule', 'b', at)]);
      const started = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(started).toHaveLength(1);
      expect(refused).toEqual([expect.any(RunInProgressError)]);
      const [run] = started;
      if (!run) throw new Error('no run started');
      await a.runs.finish(run.id, { status: 'succeeded', finishedAt: at, durationMs: 1 });
    }
    expect(await a.runs.count()).toBe(20);
  });
});
