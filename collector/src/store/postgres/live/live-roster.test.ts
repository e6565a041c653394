import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openPostgresStores, type PostgresPorts } from '../stores.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';
import { STALE_AFTER_MS } from './live-roster.ts';

const databases = testDatabases();
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
});

/** Two collector instances on one database, each with its roster. */
async function twoInstances() {
  const url = await databases.create();
  const stores: PostgresPorts[] = [
    await openPostgresStores({ url, poolSize: 2 }),
    await openPostgresStores({ url, poolSize: 2 }),
  ];
  opened.push(...stores);
  const [first, second] = stores as [PostgresPorts, PostgresPorts];
  const a = await first.liveRosters('a');
  const b = await second.liveRosters('b');
  opened.push(a, b);
  return { url, a, b };
}

describe('the live channel across instances on PostgreSQL', () => {
  it('delivers a refresh request made on one instance to the socket another holds', async () => {
    const { a, b } = await twoInstances();
    const onA: string[] = [];
    const onB: string[] = [];
    a.onRefresh((agent, request) => onA.push(`${agent}:${request}`) > 0);
    b.onRefresh((agent, request) => onB.push(`${agent}:${request}`) > 0);
    await a.connected('agent-1', new Date());
    expect(await b.requestRefresh('agent-1', 'req-1')).toBe(true);
    await vi.waitFor(() => expect(onA).toEqual(['agent-1:req-1']));
    expect(onB).toEqual([]);
  });

  it('answers presence the same on either instance, and moves the agent with its channel', async () => {
    const { a, b } = await twoInstances();
    const at = new Date('2026-11-22T12:00:00.000Z');
    await a.connected('agent-1', at);
    const seen = { online: true, lastHeartbeatAt: at.toISOString() };
    expect((await a.presence(['agent-1'])).get('agent-1')).toEqual(seen);
    expect((await b.presence(['agent-1'])).get('agent-1')).toEqual(seen);
    // The agent reconnects through the load balancer to b; a's socket closes after.
    await b.connected('agent-1', at);
    await a.disconnected('agent-1');
    expect((await a.presence(['agent-1'])).get('agent-1')?.online).toBe(true);
    await b.disconnected('agent-1');
    expect((await a.presence(['agent-1'])).get('agent-1')?.online).toBe(false);
  });

  it('reads the channels of an instance that stopped renewing them (killed) as offline', async () => {
    const { url, a, b } = await twoInstances();
    await a.connected('agent-1', new Date());
    // As if a was SIGKILLed a while ago: its rows are no longer renewed.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`update agent_presence set renewed_at = now() - make_interval(secs => $1)`, [
      (STALE_AFTER_MS + 1000) / 1000,
    ]);
    await client.end();
    expect((await b.presence(['agent-1'])).get('agent-1')?.online).toBe(false);
    expect(await b.requestRefresh('agent-1', 'req-1')).toBe(false);
  });
});
