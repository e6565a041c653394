import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What every engine's migrations have in common: drizzle-kit writes a journal beside them, and
 * drizzle's migrators record each applied migration with the time it was generated. The schema
 * version is the count of migrations applied, compared with the count this collector ships.
 */

/** One migration this collector ships, as drizzle-kit's journal lists it. */
export interface KnownMigration {
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
  /** A migration this collector does not know was applied: a newer collector wrote the database. */
  newer: boolean;
}

export function knownMigrations(migrationsFolder: string): KnownMigration[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: KnownMigration[];
  };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

/**
 * Compares the migrations a database records as applied (their generation times) with those
 * this collector ships. drizzle applies only the migrations generated after the newest one
 * recorded, so a database a newer collector migrated would be opened as it is and fail later on
 * columns this collector does not know: `newer` says so before anything is read or written.
 */
export function compareSchema(appliedTimes: readonly number[], known: readonly KnownMigration[]): SchemaVersions {
  const latestKnown = Math.max(0, ...known.map((m) => m.when));
  return {
    found: appliedTimes.length,
    expected: known.length,
    newer: appliedTimes.some((at) => at > latestKnown) || appliedTimes.length > known.length,
  };
}

/** The versions in words, for the readiness check and the refusal at start. */
export function describeSchema(v: SchemaVersions): string {
  if (v.newer) return `schema version ${v.found} was written by a newer collector (this one knows ${v.expected})`;
  if (v.found !== v.expected) return `schema version ${v.found}, expected ${v.expected}`;
  return `schema version ${v.found}, as expected`;
}
