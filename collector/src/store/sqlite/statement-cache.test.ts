import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.ts';

let sqlite: Database.Database;
let compiled: string[];

beforeEach(() => {
  sqlite = new Database(':memory:');
  sqlite.exec('create table t (id integer primary key, name text)');
  sqlite.prepare("insert into t (name) values ('a'), ('b'), ('c')").run();
  compiled = [];
  const prepare = sqlite.prepare.bind(sqlite);
  Object.assign(sqlite, {
    prepare: (source: string) => {
      compiled.push(source);
      return prepare(source);
    },
  });
});
afterEach(() => sqlite.close());

describe('withStatementCache', () => {
  it('compiles each text once and hands back the same statement', () => {
    const { connection } = withStatementCache(sqlite);
    const first = connection.prepare('select name from t where id = ?');
    const second = connection.prepare('select name from t where id = ?');
    expect(second).toBe(first);
    expect(second.get(2)).toEqual({ name: 'b' });
    expect(compiled).toEqual(['select name from t where id = ?']);
  });

  it('hands back a cached statement in row mode, whatever mode it was left in', () => {
    const { connection } = withStatementCache(sqlite);
    connection.prepare('select name from t where id = ?').raw(true);
    expect(connection.prepare('select name from t where id = ?').get(1)).toEqual({ name: 'a' });
  });

  it('compiles a fresh statement while the cached one is in the middle of an iteration', () => {
    const { connection } = withStatementCache(sqlite);
    const text = 'select id from t order by id';
    const names: number[] = [];
    for (const row of connection.prepare(text).iterate() as IterableIterator<{ id: number }>) {
      names.push(...(connection.prepare(text).all() as { id: number }[]).map((r) => r.id * 10 + row.id));
    }
    expect(names).toEqual([11, 21, 31, 12, 22, 32, 13, 23, 33]);
  });

  it('keeps the most recently used statements up to its size, and forgets them all on request', () => {
    const { connection, forget } = withStatementCache(sqlite, 2);
    const a = 'select 1';
    const b = 'select 2';
    const c = 'select 3';
    connection.prepare(a);
    connection.prepare(b);
    connection.prepare(a); // a is now the most recent, so c pushes b out
    connection.prepare(c);
    compiled.length = 0;
    connection.prepare(a);
    connection.prepare(b);
    expect(compiled).toEqual([b]);
    forget();
    connection.prepare(a);
    expect(compiled).toEqual([b, a]);
  });

  it('passes everything else through to the connection', () => {
    const { connection } = withStatementCache(sqlite);
    const add = connection.transaction((name: string) =>
      connection.prepare('insert into t (name) values (?)').run(name),
    );
    add('d');
    expect(connection.inTransaction).toBe(false);
    expect(sqlite.prepare('select count(*) as n from t').get()).toEqual({ n: 4 });
  });
});
