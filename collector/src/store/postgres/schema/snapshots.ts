import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, instant } from './columns.ts';
import { devices } from './devices.ts';

/**
 * The data of one snapshot section as received (gzip of its JSON), stored once per distinct
 * content: an hourly snapshot whose software did not change points at the blob it pointed at
 * an hour ago instead of storing 2,000 packages again. Keyed by the section's canonical hash.
 */
export const snapshotSections = pgTable(
  'snapshot_sections',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    section: text('section').notNull(),
    hash: text('hash').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    body: bytea('body').notNull(),
  },
  (t) => [uniqueIndex('snapshot_sections_hash_idx').on(t.section, t.hash)],
);

/**
 * Snapshots as received, kept for the retention window: the envelope (everything but the
 * sections' data, gzip of its JSON) and a pointer per section to its data. Keyed by the
 * agent's snapshot id so a resend is recognised and stores nothing twice.
 */
export const snapshots = pgTable(
  'snapshots',
  {
    id: text('id').primaryKey(),
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    collectedAt: instant('collected_at').notNull(),
    receivedAt: instant('received_at').notNull(),
    /** Bytes of the JSON body as received. */
    sizeBytes: integer('size_bytes').notNull(),
    envelope: bytea('envelope').notNull(),
    hardwareData: integer('hardware_data').references(() => snapshotSections.id),
    osData: integer('os_data').references(() => snapshotSections.id),
    softwareData: integer('software_data').references(() => snapshotSections.id),
    patchesData: integer('patches_data').references(() => snapshotSections.id),
    usersData: integer('users_data').references(() => snapshotSections.id),
  },
  (t) => [
    index('snapshots_device_idx').on(t.deviceKey, t.receivedAt),
    index('snapshots_received_idx').on(t.receivedAt),
    // Pruning asks "does any snapshot still point at this blob?" per section column.
    index('snapshots_hardware_data_idx').on(t.hardwareData),
    index('snapshots_os_data_idx').on(t.osData),
    index('snapshots_software_data_idx').on(t.softwareData),
    index('snapshots_patches_data_idx').on(t.patchesData),
    index('snapshots_users_data_idx').on(t.usersData),
  ],
);
