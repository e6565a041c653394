import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

/** One migration this collector ships, as drizzle-kit's journal lists it. */
interface KnownMigration {
  tag: string;
  /** When it was generated: drizzle records it as the migration's created_at once applied. */
  when: number;
}

/** The database's schema version against this collector's: both are counts of migrations. */
export interface SchemaVersions {
  /** Migrations applied to the database. */
  found: number;
  /** Migrations this collector ships: what the database has once migrated. */
  expected: number;
  /** A migration this collector does not know was applied: a newer collector wrote the file. */
  newer: boolean;
}

export function knownMigrations(migrationsFolder: string): KnownMigration[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: KnownMigration[];
  };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

/** The generation times of the migrations drizzle has recorded as applied (none in a new database). */
function appliedMigrationTimes(sqlite: Database.Database): number[] {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return [];
  return (sqlite.prepare('select created_at as at from __drizzle_migrations').all() as { at: number | string }[]).map(
    (row) => Number(row.at),
  );
}

/**
 * Compares the database with the migrations this collector ships. drizzle applies only the
 * migrations generated after the newest one recorded, so a database a newer collector
 * migrated would be opened as it is and fail later on columns this collector does not know:
 * `newer` says so before anything is read or written.
 */
export function schemaVersions(sqlite: Database.Database, known: readonly KnownMigration[]): SchemaVersions {
  const applied = appliedMigrationTimes(sqlite);
  const latestKnown = Math.max(0, ...known.map((m) => m.when));
  return {
    found: applied.length,
    expected: known.length,
    newer: applied.some((at) => at > latestKnown) || applied.length > known.length,
  };
}

/** The versions in words, for the readiness check and the refusal at start. */
export function describeSchema(v: SchemaVersions): string {
  if (v.newer) return `schema version ${v.found} was written by a newer collector (this one knows ${v.expected})`;
  if (v.found !== v.expected) return `schema version ${v.found}, expected ${v.expected}`;
  return `schema version ${v.found}, as expected`;
}
