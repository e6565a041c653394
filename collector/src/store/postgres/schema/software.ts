import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { devices } from './devices.ts';

/**
 * Every distinct package version seen across the fleet, once. Devices point at it by id,
 * so 100,000 devices with the same openssl share one row. Absent arch is '' (as in SQLite)
 * so the unique key holds without NULLS NOT DISTINCT, and both engines store the same values.
 */
export const softwareCatalog = pgTable(
  'software_catalog',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    source: text('source').notNull(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    arch: text('arch').notNull().default(''),
    publisher: text('publisher'),
  },
  (t) => [
    uniqueIndex('software_catalog_key').on(t.source, t.name, t.version, t.arch),
    index('software_catalog_name_idx').on(t.name),
    // Name patterns (who-has, the catalogue) match case-insensitively; an index on the
    // lower-cased name with pattern operators serves `lower(name) LIKE 'prefix%'`.
    index('software_catalog_name_lower_idx').using('btree', sql`lower(${t.name}) text_pattern_ops`),
  ],
);

/**
 * Installs. The by-package index carries the device too, so license counting (which devices
 * have this package) answers from the index alone (an index-only scan) instead of a row lookup
 * per install.
 */
export const deviceSoftware = pgTable(
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
