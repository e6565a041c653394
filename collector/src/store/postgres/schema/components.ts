import { COMPONENT_KINDS } from '@stocktake/shared/api';
import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { devices } from './devices.ts';

/**
 * The hardware components a device has now. `key` identifies a component within its kind:
 * the serial when the part reports one, else its slot or device name, else its make and
 * model; so a module pulled from a slot or a disk swapped for another shows up as one key
 * gone and another come. `fingerprint` holds the identifying attributes: same key with a
 * different fingerprint is a swap too (a 16 GiB module where an 8 GiB one was).
 */
export const deviceComponents = pgTable(
  'device_components',
  {
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    kind: text('kind', { enum: COMPONENT_KINDS }).notNull(),
    key: text('key').notNull(),
    label: text('label'),
    serial: text('serial'),
    vendor: text('vendor'),
    model: text('model'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    fingerprint: text('fingerprint').notNull(),
    firstSeenAt: instant('first_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceKey, t.kind, t.key] })],
);
