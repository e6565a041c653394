import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnusableError } from '../../domain/errors.ts';
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

/** The refusal openDatabase throws for this file, or a failure of the test when it opens. */
function refusal(options: Parameters<typeof openDatabase>[1] = {}): StoreUnusableError {
  try {
    openDatabase(path, options).close();
  } catch (err) {
    if (err instanceof StoreUnusableError) return err;
    throw err;
  }
  throw new Error('the database opened');
}

/** Overwrites the first bytes of the page holding `table`'s b-tree root, as a failing disk would. */
function corruptRootPageOf(table: string): void {
  const sqlite = new Database(path);
  const { rootpage } = sqlite.prepare('select rootpage from sqlite_master where name = ?').get(table) as {
    rootpage: number;
  };
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  // Everything into the main file, so the damaged page is the one read.
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(16, 0xee), 0, 16, (rootpage - 1) * pageSize);
  closeSync(fd);
}

describe('openDatabase refuses a database it cannot use, in one line', () => {
  it('creates the directory 0700 and the database, its log and index 0600', () => {
    const nested = join(dir, 'new', 'data');
    path = join(nested, 'stocktake.db');
    openDatabase(path).close();
    const opened = openDatabase(path);
    expect(statSync(nested).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'new')).mode & 0o777).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    opened.close();
  });

  it('refuses a database a newer collector migrated, before migrating or writing anything', () => {
    openDatabase(path).close();
    const sqlite = new Database(path);
    sqlite
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('from-a-newer-collector', Date.now() + 365 * 86_400_000);
    const probed = sqlite.prepare('select checked_at from readiness_probe').get();
    sqlite.close();
    const err = refusal();
    expect(err.refusal).toBe('newer-schema');
    expect(err.message).toMatch(
      /^cannot use the database .*stocktake\.db: its schema version \d+ was written by a newer collector \(this one knows \d+\); run that version or newer$/,
    );
    const after = new Database(path, { readonly: true });
    expect(after.prepare('select checked_at from readiness_probe').get()).toEqual(probed);
    after.close();
  });

  it('refuses a file that is not a database', () => {
    writeFileSync(path, 'this is not a database, whatever its name says\n'.repeat(200));
    const err = refusal();
    expect(err.refusal).toBe('corrupt');
    expect(err.message).toMatch(
      /the file is damaged \(SQLITE_NOTADB: file is not a database\); restore it from a backup$/,
    );
  });

  it('refuses a database with a damaged page, found by quick_check', () => {
    openDatabase(path).close();
    corruptRootPageOf('assets');
    const err = refusal();
    expect(err.refusal).toBe('corrupt');
    expect(err.message).toMatch(/the file is damaged \(quick_check: .+\); restore it from a backup$/);
    expect(err.message).not.toContain('\n');
  });

  it('refuses a disk with less free space than asked, naming both', () => {
    const err = refusal({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(err.refusal).toBe('disk-full');
    expect(err.message).toMatch(/its disk is full \(.+ free, below the configured minimum of .+\); free some space$/);
  });
});
