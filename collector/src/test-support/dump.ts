/** What the dump reads of a SQLite connection (the app's `sqlite`): statements that return rows. */
export interface SqliteConnection {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
}

/**
 * Every row of every table (migration bookkeeping aside, the readiness probe's row, which every
 * open and every readiness check rewrites, and when each API token was last used, which any
 * authenticated request may note), to prove that a refused request changed nothing at all.
 */
export function dumpDatabase(sqlite: SqliteConnection): Record<string, unknown[]> {
  const tables = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%drizzle%' AND name <> 'readiness_probe' ORDER BY name",
    )
    .all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    // A WITHOUT ROWID table has no rowid: its primary key orders it.
    const { sql } = sqlite.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(name) as { sql: string };
    const withoutRowid = sql.toUpperCase().includes('WITHOUT ROWID');
    const order = withoutRowid ? '1, 2' : 'rowid';
    const rows = sqlite.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).all() as Record<string, unknown>[];
    out[name] = name === 'api_tokens' ? rows.map(({ last_used_at: _used, ...rest }) => rest) : rows;
  }
  return out;
}
