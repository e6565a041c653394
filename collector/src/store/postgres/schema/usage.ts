import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { devices } from './devices.ts';

/** Software use per device, installed item and user (as in SQLite: absent arch and user are ''). */
export const softwareUsage = pgTable(
  'software_usage',
  {
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    name: text('name').notNull(),
    arch: text('arch').notNull().default(''),
    userName: text('user_name').notNull().default(''),
    lastUsed: date('last_used', { mode: 'string' }).notNull(),
    via: text('via').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceKey, t.source, t.name, t.arch, t.userName] }),
    index('software_usage_name_idx').on(t.source, t.name),
  ],
);

/** What a device can tell of use and of its people (see the SQLite schema). */
export const deviceUsage = pgTable('device_usage', {
  deviceKey: integer('device_key')
    .primaryKey()
    .references(() => devices.key, { onDelete: 'cascade' }),
  sources: jsonb('sources').$type<{ via: string; since: string; covers?: string[] }[]>(),
  lastLoginAt: instant('last_login_at'),
  lastLoginUser: text('last_login_user'),
  sessionsOpen: boolean('sessions_open').notNull().default(false),
  updatedAt: instant('updated_at').notNull(),
});
