import type Database from 'better-sqlite3';

/**
 * Every row of every table (migration bookkeeping aside, and when each API token was last
 * used, which any authenticated request may note), to prove that a refused request changed
 * nothing at all.
 */
export function dumpDatabase(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%drizzle%' ORDER BY name",
    )
    .all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    // A WITHOUT ROWID table has no rowid: its primary key orders it.
    const withoutRowid = (sqlite.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(name) as string)
      .toUpperCase()
      .includes('WITHOUT ROWID');
    const order = withoutRowid ? '1, 2' : 'rowid';
    const rows = sqlite.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).all() as Record<string, unknown>[];
    out[name] = name === 'api_tokens' ? rows.map(({ last_used_at: _used, ...rest }) => rest) : rows;
  }
  return out;
}
