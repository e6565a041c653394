import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CollectorOptions } from '../compose/collector.ts';
import { type DatabaseLocation, resolveLocation } from '../compose/stores.ts';

/**
 * How admin commands open the database: as it is. Migrating is deliberate (`serve` backs up
 * first, `migrate` is asked for), so an admin command on a database an older collector left
 * says what to run instead of changing its schema on the way.
 */
export const ADMIN_DATABASE: NonNullable<CollectorOptions['database']> = {
  refusePendingMigrations:
    'run `stocktake-collector migrate` first (it backs the database up, then migrates it), or start `stocktake-collector serve`, which does the same',
};

/**
 * Why an admin command cannot start on `location`: a SQLite file that is not there (a command
 * never creates one). A PostgreSQL database is checked when it is opened.
 */
export function noDatabaseAt(location: DatabaseLocation): string | undefined {
  const resolved = resolveLocation(location);
  if (resolved.engine !== 'sqlite' || resolved.path === ':memory:' || existsSync(resolved.path)) return undefined;
  return `stocktake-collector: no database at ${resolve(resolved.path)} (start the collector once, or pass --db)\n`;
}
