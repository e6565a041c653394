import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every engine keeps the same tables and columns: a store copied from one engine to the other
 * loses nothing, and a port behaves alike on both. drizzle-kit's snapshot of each engine's latest
 * migration (migrations/meta/) says what its schema is, in JSON, without importing either dialect.
 */
interface Snapshot {
  tables: Record<string, { name: string; columns: Record<string, unknown> }>;
}

function latestSnapshot(engine: 'sqlite' | 'postgres'): Snapshot {
  const meta = new URL(`./${engine}/migrations/meta/`, import.meta.url);
  const journal = JSON.parse(readFileSync(new URL('_journal.json', meta), 'utf8')) as { entries: { idx: number }[] };
  const latest = Math.max(...journal.entries.map((e) => e.idx));
  return JSON.parse(readFileSync(new URL(`${String(latest).padStart(4, '0')}_snapshot.json`, meta), 'utf8'));
}

/** Table name to its column names, sorted. */
function shape(snapshot: Snapshot): Record<string, string[]> {
  return Object.fromEntries(
    Object.values(snapshot.tables)
      .map((t) => [t.name, Object.keys(t.columns).sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe('the storage engines’ schemas', () => {
  it('have the same tables with the same columns on SQLite and PostgreSQL', () => {
    expect(shape(latestSnapshot('postgres'))).toEqual(shape(latestSnapshot('sqlite')));
  });
});
