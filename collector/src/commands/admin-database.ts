import type { CollectorOptions } from '../compose/collector.ts';

/**
 * How admin commands open the database: as it is. Migrating is deliberate (`serve` backs up
 * first, `migrate` is asked for), so an admin command on a database an older collector left
 * says what to run instead of changing its schema on the way.
 */
export const ADMIN_DATABASE: NonNullable<CollectorOptions['database']> = {
  refusePendingMigrations:
    'run `stocktake-collector migrate` first (it backs the database up, then migrates it), or start `stocktake-collector serve`, which does the same',
};
