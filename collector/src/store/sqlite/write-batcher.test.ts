import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteBatcher } from './write-batcher.ts';

describe('write batcher', () => {
  let dir: string;
  let path: string;
  let sqlite: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-batcher-'));
    path = join(dir, 'b.db');
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.exec(`
      create table parent (id integer primary key);
      create table item (id integer primary key, name text not null unique,
        parent_id integer references parent(id) deferrable initially deferred);
    `);
  });
  afterEach(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert =
    (name: string, parentId: number | null = null) =>
    () =>
      Number(sqlite.prepare('insert into item (name, parent_id) values (?, ?)').run(name, parentId).lastInsertRowid);
  const names = (db = sqlite) =>
    (db.prepare('select name from item order by id').all() as { name: string }[]).map((r) => r.name);

  it('runs concurrent units in one transaction and answers each once it is committed', async () => {
    const batcher = createWriteBatcher(sqlite);
    const other = new Database(path, { readonly: true });
    const seenByOther: string[][] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map(async (n) => {
        const id = await batcher.submit(insert(n));
        seenByOther.push(names(other));
        return id;
      }),
    );
    other.close();
    expect(results).toEqual([1, 2, 3]);
    // Another connection sees every unit's row by the time the first caller is answered.
    expect(seenByOther).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(batcher.stats()).toEqual({ batches: 1, units: 3, largestBatch: 3 });
  });

  it('rolls back only the unit that throws, and hands that caller its error', async () => {
    const batcher = createWriteBatcher(sqlite);
    const outcomes = await Promise.allSettled([
      batcher.submit(insert('a')),
      batcher.submit(() => {
        insert('b')();
        insert('a')(); // unique violation after a write of its own
      }),
      batcher.submit(insert('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed: item.name/);
    expect(names()).toEqual(['a', 'c']);
  });

  it('fails every unit of a batch whose commit fails, and stores none of it', async () => {
    const batcher = createWriteBatcher(sqlite);
    sqlite.exec('insert into parent (id) values (1)');
    // The deferred foreign key is only checked at COMMIT, so the savepoints release and the commit fails.
    const outcomes = await Promise.allSettled([
      batcher.submit(insert('a', 1)),
      batcher.submit(insert('b', 99)),
      batcher.submit(insert('c', 1)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY constraint failed/);
    expect(names()).toEqual([]);
    expect(sqlite.inTransaction).toBe(false);
    // The next batch is unaffected.
    await batcher.submit(insert('d', 1));
    expect(names()).toEqual(['d']);
  });

  it('splits the queue into batches of at most maxBatch, in submission order', async () => {
    const batcher = createWriteBatcher(sqlite, { maxBatch: 4 });
    const all = Array.from({ length: 10 }, (_, i) => batcher.submit(insert(`n${i}`)));
    await Promise.all(all);
    expect(names()).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`));
    expect(batcher.stats()).toEqual({ batches: 3, units: 10, largestBatch: 4 });
  });

  it('runs afterCommit hooks after the batch commits, at once outside a transaction, never for a foreign one', async () => {
    const batcher = createWriteBatcher(sqlite);
    const log: string[] = [];
    batcher.afterCommit(() => log.push('outside'));
    const work = batcher.submit(() => {
      insert('a')();
      batcher.afterCommit(() => log.push(`hook sees in transaction: ${sqlite.inTransaction}`));
      log.push('work');
    });
    await work;
    sqlite.transaction(() => batcher.afterCommit(() => log.push('foreign')))();
    expect(log).toEqual(['outside', 'work', 'hook sees in transaction: false']);
  });

  it('drops the hooks of a batch whose commit fails', async () => {
    const batcher = createWriteBatcher(sqlite);
    const log: string[] = [];
    await Promise.allSettled([
      batcher.submit(() => {
        insert('a', 42)();
        batcher.afterCommit(() => log.push('should not run'));
      }),
    ]);
    expect(log).toEqual([]);
  });
});
