import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { devices } from './devices.ts';

/**
 * Every distinct package version seen across the fleet, once. Devices point at it by id,
 * so 100,000 devices with the same openssl share one row. Absent arch is '' because SQLite
 * treats NULLs as distinct in unique indexes.
 */
export const softwareCatalog = sqliteTable(
  'software_catalog',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source').notNull(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    arch: text('arch').notNull().default(''),
    publisher: text('publisher'),
  },
  (t) => [
    uniqueIndex('software_catalog_key').on(t.source, t.name, t.version, t.arch),
    index('software_catalog_name_idx').on(t.name),
    // Name patterns (who-has, the catalogue) match case-insensitively with LIKE, which only a
    // NOCASE index can serve; the plain one still serves exact-case lookups.
    index('software_catalog_name_nocase_idx').on(sql`${t.name} COLLATE NOCASE`),
  ],
);

/**
 * Installs. A WITHOUT ROWID table (migration 0007; drizzle-kit cannot declare it, so a
 * generated migration that rebuilds this table must keep the clause): rows are stored in
 * primary-key order, once. The by-package index carries the device too, so license counting (which devices
 * have this package) answers from the index alone instead of a row lookup per install
 * (docs/benchmarks.md, reconciliation).
 */
export const deviceSoftware = sqliteTable(
  'device_software',
  {
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    softwareId: integer('software_id')
      .notNull()
      .references(() => softwareCatalog.id),
    installDate: text('install_date'),
    installLocation: text('install_location'),
  },
  (t) => [
    primaryKey({ columns: [t.deviceKey, t.softwareId] }),
    index('device_software_software_device_idx').on(t.softwareId, t.deviceKey),
  ],
);
