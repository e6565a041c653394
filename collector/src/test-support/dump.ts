import type Database from 'better-sqlite3';

/**
 * Every row of every table (migration bookkeeping aside), to prove that a refused request
 * changed nothing at all.
 */
export function dumpDatabase(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%drizzle%' ORDER BY name",
    )
    .all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
  return out;
}
