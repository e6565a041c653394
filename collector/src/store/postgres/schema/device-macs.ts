import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { devices } from './devices.ts';

/**
 * The identity MACs of each device (physical NICs, globally administered), one row each, so
 * "which devices report this MAC" is an index lookup when matching devices to assets.
 */
export const deviceMacs = pgTable(
  'device_macs',
  {
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    mac: text('mac').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceKey, t.mac] }), index('device_macs_mac_idx').on(t.mac)],
);
