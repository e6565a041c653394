import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

const MIGRATIONS = join(import.meta.dirname, 'migrations');

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this collector ships, oldest first. */
export function shippedMigrations(): string[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries.map((e) => e.tag);
}

/**
 * A database file as an older collector left it: only the first `count` migrations applied
 * (from a copy of the migrations folder cut to them), closed again.
 */
export function databaseAtVersion(path: string, count: number): void {
  const folder = mkdtempSync(join(tmpdir(), 'stocktake-old-migrations-'));
  try {
    mkdirSync(join(folder, 'meta'));
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
      entries: JournalEntry[];
    };
    journal.entries = journal.entries.slice(0, count);
    for (const e of journal.entries) cpSync(join(MIGRATIONS, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
    const sqlite = new Database(path);
    try {
      sqlite.pragma('journal_mode = WAL');
      // As the collector migrates: some migrations rebuild tables, which foreign keys forbid.
      sqlite.pragma('foreign_keys = OFF');
      migrate(drizzle(sqlite), { migrationsFolder: folder });
    } finally {
      sqlite.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Marks a database as migrated by a newer collector: one migration this one does not ship. */
export function markWrittenByNewerCollector(path: string): void {
  const sqlite = new Database(path);
  try {
    sqlite
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run('from-the-future', Date.now() + 86_400_000);
  } finally {
    sqlite.close();
  }
}

/** How many migrations a database file has had, read without writing to it. */
export function migrationsApplied(path: string): number {
  const sqlite = new Database(path, { readonly: true });
  try {
    return (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}
