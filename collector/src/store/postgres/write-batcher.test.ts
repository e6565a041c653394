import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type Db, type Tx } from './connection.ts';
import { testDatabases } from './test-support/test-databases.test-support.ts';
import { createWriteBatcher } from './write-batcher.ts';

const databases = testDatabases();
const pools: Db[] = [];
afterAll(async () => {
  for (const db of pools) await db.$client.end();
});

async function database(): Promise<Db> {
  const db = connect({ url: await databases.create(), poolSize: 4 });
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
});
