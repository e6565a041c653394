import type Database from 'better-sqlite3';
import { compareSchema, type KnownMigration, type SchemaVersions } from '../migration-journal.ts';

export { describeSchema, type KnownMigration, knownMigrations, type SchemaVersions } from '../migration-journal.ts';

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

/** Compares the database with the migrations this collector ships (migration-journal.ts, compareSchema). */
export function schemaVersions(sqlite: Database.Database, known: readonly KnownMigration[]): SchemaVersions {
  return compareSchema(appliedMigrationTimes(sqlite), known);
}
