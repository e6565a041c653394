import type Database from 'better-sqlite3';

/** Statements kept per connection; past this the least recently used is dropped. */
const CACHE_SIZE = 500;

/**
 * The connection drizzle is given: the same SQLite connection, but `prepare` reuses the compiled
 * statement for SQL text it has seen. drizzle prepares every query it runs anew, and compiling a
 * statement costs more than running a lookup by key (an import of 10,000 assets spent a fifth of
 * its time in `prepare`). A cached statement is handed out again only when it is not in the middle
 * of an iteration, and in the row mode drizzle expects of a fresh one (it switches to raw itself).
 */
export function withStatementCache(
  sqlite: Database.Database,
  size: number = CACHE_SIZE,
): { connection: Database.Database; forget(): void } {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      // Most recently used last, so the first key is the one to drop.
      cache.delete(source);
      cache.set(source, cached);
      if (cached.reader) cached.raw(false);
      return cached;
    }
    const statement = sqlite.prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
    }
    return statement;
  };
  const connection = new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { connection, forget: () => cache.clear() };
}
