import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStores, type PostgresPorts } from '../store/postgres/stores.ts';
import { testDatabases } from '../store/postgres/test-support/test-databases.test-support.ts';
import scheduler from './scheduler.ts';

const databases = testDatabases();
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
});

/** One collector instance's job runner on the shared database, recording the ticks it ran. */
async function runner(stores: PostgresPorts, holder: string, ran: string[]): Promise<FastifyInstance> {
  const app = Fastify();
  opened.push({ close: () => app.close() });
  await app.register(scheduler, {
    // Every second, so that a few ticks pass during the test.
    jobs: [{ name: 'reconcile', schedule: '* * * * * *', run: async (_app, tick) => ran.push(tick.toISOString()) }],
    cluster: { leases: stores.jobLeases, holder },
  });
  await app.ready();
  return app;
}

describe('cluster-wide jobs on PostgreSQL', () => {
  it('run each tick once across two instances that both schedule them', async () => {
    const url = await databases.create();
    const [a, b] = [await openPostgresStores({ url, poolSize: 2 }), await openPostgresStores({ url, poolSize: 2 })];
    opened.push(a, b);
    const ranOnA: string[] = [];
    const ranOnB: string[] = [];
    const apps = [await runner(a, 'a', ranOnA), await runner(b, 'b', ranOnB)];
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    for (const app of apps) await app.close();
    const ticks = [...ranOnA, ...ranOnB];
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ticks).size).toBe(ticks.length);
  });
});
