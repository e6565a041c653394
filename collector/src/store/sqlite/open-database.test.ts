import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.ts';

const MIGRATIONS = join(import.meta.dirname, 'migrations');

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-open-'));
  path = join(dir, 'stocktake.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A link to a device that does not exist, written behind the foreign keys' back. */
function danglingLink(): void {
  const sqlite = new Database(path);
  sqlite.pragma('foreign_keys = OFF');
  sqlite
    .prepare(
      `insert into device_asset_links (device_key, asset_id, method, linked_at, linked_by)
       values (999, null, 'manual', '2026-11-01T00:00:00.000Z', 'test')`,
    )
    .run();
  sqlite.close();
}

/** A database with every migration but the newest, as the previous release left it. */
function previousReleaseDatabase(): void {
  const older = join(dir, 'migrations-older');
  mkdirSync(join(older, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  journal.entries = journal.entries.slice(0, -1);
  for (const { tag } of journal.entries) cpSync(join(MIGRATIONS, `${tag}.sql`), join(older, `${tag}.sql`));
  writeFileSync(join(older, 'meta', '_journal.json'), JSON.stringify(journal));
  const sqlite = new Database(path);
  // As openDatabase does: table rebuilds must not cascade.
  sqlite.pragma('foreign_keys = OFF');
  migrate(drizzle(sqlite), { migrationsFolder: older });
  sqlite.close();
}

describe('openDatabase', () => {
  it('skips the full foreign key check when there is nothing to migrate', () => {
    openDatabase(path).close();
    danglingLink();
    // Nothing to migrate: the full check is skipped, and foreign keys are enforced from here on.
    const opened = openDatabase(path);
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    opened.close();
  });

  it('checks foreign keys after applying a migration, and refuses a database with dangling references', () => {
    previousReleaseDatabase();
    danglingLink();
    expect(() => openDatabase(path)).toThrow(/1 rows with dangling references after migration/);
  });
});
