import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { type Db, sqlStateOf, type Tx } from './connection.ts';
import * as schema from './schema/index.ts';

/** What a unit of work gets besides its transaction. */
export interface BatchContext {
  /** Runs `hook` once the batch's transaction has committed (never when the unit was rolled back). */
  afterCommit(hook: () => void): void;
  /** The connection the transaction runs on, for the named statements of the hot paths (statements.ts). */
  client: pg.PoolClient;
}

/** One unit of work of a batch: what it locks, and the writes it makes in its own savepoint. */
export interface BatchUnit<T> {
  /**
   * Names of what the unit must have to itself across every collector instance sharing the
   * database (an agent, a serial): taken for the whole batch before any unit runs.
   */
  locks: readonly string[];
  /** The writes, in the unit's savepoint. */
  work: (tx: Tx, batch: BatchContext) => Promise<T>;
}

export interface WriteBatcherOptions {
  /** Most units of work in one transaction (default 128). */
  maxBatch?: number;
  /** Batches that may run at once, each on a connection of its own (default: as many as the pool fits, batchesFor). */
  concurrency?: number;
}

/**
 * Batches running at once at most. A batch's units run one after another, each a few round
 * trips, so with one batch at a time the collector and the server took turns: an unchanged delta
 * cost each about 4 ms, and neither was busy (126 deltas/s, the collector half a core). Three
 * overlap them, and leave most of the default pool of 10 connections to reads.
 */
export const BATCHES_AT_ONCE = 3;

/**
 * Batches that fit a pool of `poolSize` connections: a batch may need a second connection while
 * it holds its own (ingest commits new catalogue rows apart), so every running batch must be
 * able to have two at once, or batches holding one each would wait for ever for another.
 */
export function batchesFor(poolSize: number): number {
  return Math.max(1, Math.min(BATCHES_AT_ONCE, Math.floor(poolSize / 2)));
}

interface Pending {
  unit: BatchUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown; hooks: (() => void)[] } | { ok: false; err: unknown };

/** deadlock_detected: PostgreSQL rolled the whole transaction back to free another. */
const DEADLOCK_DETECTED = '40P01';
const ATTEMPTS = 3;

/**
 * The advisory lock key standing for a name: 64 bits of its SHA-256, signed as PostgreSQL's
 * bigint is. Keys are taken in ascending order by every instance, so two batches wanting the
 * same names wait for each other instead of deadlocking.
 */
export function lockKeyOf(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/**
 * Group commit on PostgreSQL: the units queued while batches run go together in the next one,
 * one transaction per batch and a savepoint per unit, so a unit that throws is rolled back alone
 * and its caller gets the error, while the others commit. Every caller is answered once the
 * transaction holding its work has committed. Up to `concurrency` batches run at once, each on a
 * connection of the pool; the commit (and its WAL flush) is paid once per batch. A unit naming a
 * lock that a running batch holds waits for the batch after it, so one instance never makes its
 * own batches wait on each other.
 *
 * Several instances share one database: before any unit runs, the batch takes a transaction-
 * scoped advisory lock on every name its units listed, in one statement and in key order.
 * Ingests for one agent (or one machine's serial) on two instances are thus serialised: the
 * second runs only after the first has committed, and reads what it wrote (READ COMMITTED
 * takes a fresh snapshot per statement), so a resent snapshot id is seen as stored and a delta
 * against a base that moved on is told to resync. Should PostgreSQL still detect a deadlock (two
 * batches writing the same new rows in different orders), the whole batch, rolled back by the
 * server, is run again: its units read their state afresh.
 */
export function createWriteBatcher(db: Db, options: WriteBatcherOptions = {}) {
  const maxBatch = options.maxBatch ?? 128;
  const concurrency = Math.max(1, options.concurrency ?? batchesFor(db.$client.options.max ?? 10));
  let queue: Pending[] = [];
  let running = 0;
  /** The lock names of the batches running, each counted once per batch holding it. */
  const held = new Map<string, number>();
  /** Batches committed and the units of work they held, since the engine opened (for the metrics). */
  const committed = { batches: 0, units: 0 };

  async function runOnce(batch: Pending[]): Promise<Outcome[]> {
    const keys = [...new Set(batch.flatMap((p) => p.unit.locks))].map(lockKeyOf).sort((a, b) => (a < b ? -1 : 1));
    // The batch holds one connection: its units' named statements are prepared on it once and
    // kept there for the batches that take it next.
    const client = await db.$client.connect();
    let broken: Error | undefined;
    try {
      return await drizzle({ client, schema }).transaction(async (tx) => {
        if (keys.length > 0) {
          // unnest yields the keys in array order, so they are locked in ascending order.
          await tx.execute(
            sql`SELECT pg_advisory_xact_lock(k) FROM unnest(${`{${keys.join(',')}}`}::bigint[]) AS t(k)`,
          );
        }
        const outcomes: Outcome[] = [];
        for (const p of batch) {
          const hooks: (() => void)[] = [];
          try {
            const context: BatchContext = { afterCommit: (hook) => hooks.push(hook), client };
            const value = await tx.transaction((unitTx) => p.unit.work(unitTx, context));
            outcomes.push({ ok: true, value, hooks });
          } catch (err) {
            // A deadlock aborted the transaction itself, not just this unit: the batch is retried.
            if (sqlStateOf(err)?.code === DEADLOCK_DETECTED) throw err;
            outcomes.push({ ok: false, err });
          }
        }
        return outcomes;
      });
    } catch (err) {
      // An error the server did not answer with (a dropped connection): the connection is not reused.
      if (!sqlStateOf(err)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await runOnce(batch);
        committed.batches++;
        committed.units += batch.length;
        outcomes.forEach((o, i) => {
          const p = batch[i] as Pending;
          if (o.ok) {
            for (const hook of o.hooks) hook();
            p.resolve(o.value);
          } else p.reject(o.err);
        });
        return;
      } catch (err) {
        if (attempt < ATTEMPTS && sqlStateOf(err)?.code === DEADLOCK_DETECTED) continue;
        // BEGIN or COMMIT failed (the server out of reach, the disk full): nothing of it is stored.
        for (const p of batch) p.reject(err);
        return;
      }
    }
  }

  /**
   * The next batch: the queued units, in order, up to maxBatch, leaving out each unit that names
   * a lock a running batch holds, and every later unit naming one of the same (so the units of one
   * agent still run in the order they came, one batch after the other).
   */
  function nextBatch(): Pending[] {
    const blocked = new Set(held.keys());
    const batch: Pending[] = [];
    const waiting: Pending[] = [];
    for (const p of queue) {
      if (batch.length < maxBatch && p.unit.locks.every((name) => !blocked.has(name))) {
        batch.push(p);
      } else {
        waiting.push(p);
        for (const name of p.unit.locks) blocked.add(name);
      }
    }
    queue = waiting;
    return batch;
  }

  const count = (names: Iterable<string>, by: 1 | -1) => {
    for (const name of names) {
      const n = (held.get(name) ?? 0) + by;
      if (n > 0) held.set(name, n);
      else held.delete(name);
    }
  };

  /** Starts batches while there are units to run and room for another batch. */
  function drain(): void {
    while (running < concurrency && queue.length > 0) {
      const batch = nextBatch();
      if (batch.length === 0) return;
      const names = new Set(batch.flatMap((p) => p.unit.locks));
      running++;
      count(names, 1);
      void runBatch(batch).finally(() => {
        running--;
        count(names, -1);
        drain();
      });
    }
  }

  return {
    /** Runs `unit` in the next batch; resolves with its result once that batch has committed. */
    submit<T>(unit: BatchUnit<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ unit: unit as BatchUnit<unknown>, resolve: resolve as (value: unknown) => void, reject });
        // A microtask later, every ingest queued in this turn of the event loop joins the batch.
        queueMicrotask(drain);
      });
    },

    /** Units of work waiting for the next batch. */
    queued(): number {
      return queue.length;
    },

    /** Batches committed and the units of work they held, since the batcher was made. */
    stats(): { batches: number; units: number } {
      return { ...committed };
    },
  };
}

export type WriteBatcher = ReturnType<typeof createWriteBatcher>;
