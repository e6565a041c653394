import { LINK_METHODS } from '@stocktake/shared/api';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { assets } from './assets.ts';
import { devices } from './devices.ts';

/**
 * Which register asset a device is. Discovery writes links with the identifier that matched;
 * a person's link or unlink is `manual` and discovery leaves it alone. A manual row with no
 * asset is a sticky unlink: the device stays unlinked until someone links it by hand.
 */
export const deviceAssetLinks = sqliteTable(
  'device_asset_links',
  {
    deviceKey: integer('device_key')
      .primaryKey()
      .references(() => devices.key, { onDelete: 'cascade' }),
    assetId: text('asset_id').references(() => assets.id, { onDelete: 'cascade' }),
    method: text('method', { enum: LINK_METHODS }).notNull(),
    linkedAt: text('linked_at').notNull(),
    linkedBy: text('linked_by').notNull(),
  },
  (t) => [index('device_asset_links_asset_idx').on(t.assetId)],
);
