import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { compareSchema, type KnownMigration, type SchemaVersions } from '../migration-journal.ts';

/** The migrations drizzle-kit generated from schema/ (`pnpm db:generate:postgres`). */
export const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Any fixed number: the session-level advisory lock every collector instance takes while it
 * migrates, so that instances started together over one database migrate it once, one after
 * the other (the second finds nothing left to apply).
 */
const MIGRATION_LOCK = 0x5374_6b4d;

/** Applies the migrations not applied yet, holding the migration lock. */
export async function migrateDatabase(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** The generation times of the migrations drizzle recorded as applied (none in an empty database). */
async function appliedMigrationTimes(pool: pg.Pool | pg.PoolClient): Promise<number[]> {
  const table = await pool.query<{ exists: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as exists",
  );
  if (!table.rows[0]?.exists) return [];
  const rows = await pool.query<{ at: string }>('select created_at::text as at from drizzle.__drizzle_migrations');
  return rows.rows.map((row) => Number(row.at));
}

/** The database's schema version against the migrations this collector ships. */
export async function schemaVersions(
  pool: pg.Pool | pg.PoolClient,
  known: readonly KnownMigration[],
): Promise<SchemaVersions> {
  return compareSchema(await appliedMigrationTimes(pool), known);
}
