import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';
import { connect, type Db, type Tx } from './connection.ts';
import { createDeviceIngest } from './devices/device-ingest.ts';
import { agents } from './schema/index.ts';
import { testDatabases } from './test-support/test-databases.test-support.ts';
import { batchesFor, createWriteBatcher } from './write-batcher.ts';

const databases = testDatabases();
const pools: Db[] = [];
afterAll(async () => {
  for (const db of pools) await db.$client.end();
});

async function database(poolSize = 4): Promise<Db> {
  const db = connect({ url: await databases.create(), poolSize });
  pools.push(db);
  return db;
}

/** A unit of work holding `locks` that sleeps `seconds` in the server and notes when it started and ended. */
function sleeper(name: string, locks: string[], seconds: number, events: string[]) {
  return {
    locks,
    work: async (tx: Tx) => {
      events.push(`${name} starts`);
      await tx.execute(sql`SELECT pg_sleep(${seconds})`);
      events.push(`${name} ends`);
      return name;
    },
  };
}

/** The next turn of the event loop, so that a unit submitted after it goes in a batch of its own. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('group commit on PostgreSQL', () => {
  it('runs batches of other agents at once, each on a connection of its own', async () => {
    const batcher = createWriteBatcher(await database(), { concurrency: 2 });
    const events: string[] = [];
    const slow = batcher.submit(sleeper('slow', ['agent-a'], 0.5, events));
    await nextTurn();
    const quick = await batcher.submit(sleeper('quick', ['agent-b'], 0, events));
    expect(quick).toBe('quick');
    expect(events).toEqual(['slow starts', 'quick starts', 'quick ends']);
    await slow;
    expect(batcher.stats()).toEqual({ batches: 2, units: 2 });
  });

  it("keeps one agent's units in the order they came, the later one in the batch after the one running", async () => {
    const batcher = createWriteBatcher(await database(), { concurrency: 3 });
    const events: string[] = [];
    const first = batcher.submit(sleeper('first', ['agent-a'], 0.3, events));
    await nextTurn();
    // The same agent twice, and another agent between them: only the other one may overtake.
    const second = batcher.submit(sleeper('second', ['agent-a', 'serial-1'], 0, events));
    const other = batcher.submit(sleeper('other', ['agent-b'], 0, events));
    const third = batcher.submit(sleeper('third', ['serial-1'], 0, events));
    expect(await Promise.all([first, second, other, third])).toEqual(['first', 'second', 'other', 'third']);
    expect(events.indexOf('other ends')).toBeLessThan(events.indexOf('first ends'));
    expect(events.indexOf('first ends')).toBeLessThan(events.indexOf('second starts'));
    expect(events.indexOf('second ends')).toBeLessThan(events.indexOf('third starts'));
  });

  it('runs one batch at a time when told to', async () => {
    const batcher = createWriteBatcher(await database(), { concurrency: 1 });
    const events: string[] = [];
    const slow = batcher.submit(sleeper('slow', ['agent-a'], 0.2, events));
    await nextTurn();
    await Promise.all([slow, batcher.submit(sleeper('quick', ['agent-b'], 0, events))]);
    expect(events).toEqual(['slow starts', 'slow ends', 'quick starts', 'quick ends']);
  });

  it('runs no more batches than the pool can give two connections each', () => {
    expect([2, 3, 4, 5, 6, 10, 40].map(batchesFor)).toEqual([1, 1, 2, 2, 3, 3, 3]);
  });

  it('ingests new machines with new software on the smallest pool, each batch committing its catalogue rows on a second connection', async () => {
    const db = await database(2);
    const ingest = createDeviceIngest(db, createWriteBatcher(db));
    const machines = [0, 1, 2, 3];
    await db.insert(agents).values(
      machines.map((n) => ({
        id: `agent-${n}`,
        tokenHash: `token-${n}`,
        hostname: `ws-${n}`,
        version: '0.1.0',
        platform: 'linux',
        enrolledAt: new Date(),
      })),
    );
    const results = [];
    for (const n of machines) {
      const snapshot = makeSnapshot({
        agentId: `agent-${n}`,
        hostname: `ws-${n}`,
        serial: `SER-${n}`,
        software: [dpkgItem(`only-on-${n}`, '1.0'), dpkgItem('curl', `7.${n}`)],
      });
      const who = { id: `agent-${n}`, deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' };
      results.push(ingest.ingestSnapshot(who, snapshot, computeSectionHashes(snapshot).hashes));
      // Each in a batch of its own, submitted while the one before runs.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const stored = await Promise.all(results);
    expect(new Set(stored.map((r) => r.deviceId)).size).toBe(4);
  }, 20_000);
});
