import { customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * A moment in time. SQLite keeps instants as ISO-8601 text; PostgreSQL has a type for them, so
 * ordering, ranges and `now()` work on the column itself. Millisecond precision: what a
 * JavaScript Date holds, so a value reads back exactly as it was written.
 */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** Bytes (the gzip of a snapshot's JSON): drizzle's pg dialect of this version has no bytea builder. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});
