import { LINK_METHODS } from '@stocktake/shared/api';
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { assets } from './assets.ts';
import { instant } from './columns.ts';
import { devices } from './devices.ts';

/**
 * Which register asset a device is. Discovery writes links with the identifier that matched;
 * a person's link or unlink is `manual` and discovery leaves it alone. A manual row with no
 * asset is a sticky unlink: the device stays unlinked until someone links it by hand.
 */
export const deviceAssetLinks = pgTable(
  'device_asset_links',
  {
    deviceKey: integer('device_key')
      .primaryKey()
      .references(() => devices.key, { onDelete: 'cascade' }),
    assetId: text('asset_id').references(() => assets.id, { onDelete: 'cascade' }),
    method: text('method', { enum: LINK_METHODS }).notNull(),
    linkedAt: instant('linked_at').notNull(),
    linkedBy: text('linked_by').notNull(),
  },
  (t) => [index('device_asset_links_asset_idx').on(t.assetId)],
);
