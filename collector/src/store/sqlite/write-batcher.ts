import type Database from 'better-sqlite3';

export interface WriteBatcherOptions {
  /** Most units of work in one transaction (default 128). */
  maxBatch?: number;
  /** A batch stops taking more work once it has run this long, in ms (default 200), so the event loop is not held. */
  maxBatchMs?: number;
}

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface BatchStats {
  batches: number;
  units: number;
  largestBatch: number;
}

/**
 * Group commit. Concurrent ingests are queued and run together in one SQLite transaction, each
 * in its own savepoint: a unit that throws is rolled back alone and its caller gets the error,
 * the others commit. Every caller is answered only after the transaction holding its work has
 * committed, so an acknowledged snapshot is as durable as with a transaction of its own.
 *
 * Why: a snapshot's software rows land all over the by-package index, and each commit writes
 * every page it dirtied to the write-ahead log. Snapshots committed together share the hot
 * pages (popular packages), so each is written once per batch instead of once per snapshot,
 * and the commit itself is paid once (docs/benchmarks.md, collector ingest).
 */
export function createWriteBatcher(sqlite: Database.Database, options: WriteBatcherOptions = {}) {
  const maxBatch = options.maxBatch ?? 128;
  const maxBatchMs = options.maxBatchMs ?? 200;
  const queue: Pending[] = [];
  let scheduled = false;
  let open = false;
  let onCommit: (() => void)[] = [];
  const stats: BatchStats = { batches: 0, units: 0, largestBatch: 0 };
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // setImmediate runs after the poll phase: every request whose body arrived in this turn of
    // the event loop has been parsed and queued by then.
    setImmediate(flush);
  }

  function runBatch(): void {
    const started = performance.now();
    const done: { p: Pending; value: unknown }[] = [];
    const failed: { p: Pending; err: unknown }[] = [];
    begin.run();
    open = true;
    try {
      while (queue.length > 0 && done.length + failed.length < maxBatch) {
        if (done.length + failed.length > 0 && performance.now() - started > maxBatchMs) break;
        const p = queue.shift() as Pending;
        // A nested better-sqlite3 transaction is a savepoint: on a throw it rolls back this unit only.
        try {
          done.push({ p, value: sqlite.transaction(p.work)() });
        } catch (err) {
          failed.push({ p, err });
        }
      }
      commit.run();
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of this batch is stored.
      if (sqlite.inTransaction) rollback.run();
      open = false;
      onCommit = [];
      for (const { p } of done) p.reject(err);
      for (const { p, err: own } of failed) p.reject(own);
      return;
    }
    open = false;
    const hooks = onCommit;
    onCommit = [];
    for (const hook of hooks) hook();
    const size = done.length + failed.length;
    stats.batches++;
    stats.units += size;
    if (size > stats.largestBatch) stats.largestBatch = size;
    for (const { p, value } of done) p.resolve(value);
    for (const { p, err } of failed) p.reject(err);
  }

  function flush(): void {
    scheduled = false;
    if (queue.length === 0) return;
    try {
      runBatch();
    } catch (err) {
      // BEGIN failed (the database is busy past its timeout): every unit waiting gets the error.
      for (const p of queue.splice(0)) p.reject(err);
    }
    if (queue.length > 0) schedule();
  }

  return {
    /** Runs `work` in the next batch; resolves with its result once that batch has committed. */
    submit<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },

    /**
     * Runs `hook` when the writes made so far are committed: at the end of the batch being run,
     * or now when no transaction is open. Inside a transaction the batcher does not own, the
     * hook is dropped, since its outcome is unknown here (hooks only warm caches).
     */
    afterCommit(hook: () => void): void {
      if (open) onCommit.push(hook);
      else if (!sqlite.inTransaction) hook();
    },

    stats(): BatchStats {
      return { ...stats };
    },

    /** Units of work waiting for the next batch (the queue depth monitoring watches). */
    queued(): number {
      return queue.length;
    },
  };
}

export type WriteBatcher = ReturnType<typeof createWriteBatcher>;
