import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { devices } from './devices.ts';

/**
 * Software use per device, installed item and user: the day of last use and how it is known.
 * Keyed by the item's identity (source, name, arch), not a catalogue version, so an upgrade
 * keeps its history. Absent arch and user are '' (unique keys; NULLs are distinct in SQLite).
 */
export const softwareUsage = sqliteTable(
  'software_usage',
  {
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    name: text('name').notNull(),
    arch: text('arch').notNull().default(''),
    userName: text('user_name').notNull().default(''),
    /** YYYY-MM-DD (UTC). */
    lastUsed: text('last_used').notNull(),
    via: text('via').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceKey, t.source, t.name, t.arch, t.userName] }),
    index('software_usage_name_idx').on(t.source, t.name),
  ],
);

/**
 * What a device can tell of use and of its people: the usage sources it has (each with the
 * earliest day it speaks for, the earliest ever reported), and its latest interactive login as
 * its users section last said (for idle devices).
 */
export const deviceUsage = sqliteTable('device_usage', {
  deviceKey: integer('device_key')
    .primaryKey()
    .references(() => devices.key, { onDelete: 'cascade' }),
  /** JSON [{ via, since, covers? }], empty when metering is on with no source; null when no usage was ever sent. */
  sources: text('sources', { mode: 'json' }).$type<{ via: string; since: string; covers?: string[] }[]>(),
  /** When someone last logged in interactively, as far as the device said (ISO 8601). */
  lastLoginAt: text('last_login_at'),
  /** Who that was. */
  lastLoginUser: text('last_login_user'),
  /** Whether sessions were open at the device's last report. */
  sessionsOpen: integer('sessions_open', { mode: 'boolean' }).notNull().default(false),
  updatedAt: text('updated_at').notNull(),
});
