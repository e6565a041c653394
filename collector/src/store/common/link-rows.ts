import { sql } from 'drizzle-orm';

/**
 * A device's link as the row an upsert proposed (`excluded`): what a link written again over the
 * one the device has sets, in either engine (both spell ON CONFLICT DO UPDATE alike).
 */
export const LINK_FROM_EXCLUDED = {
  assetId: sql`excluded.asset_id`,
  method: sql`excluded.method`,
  linkedAt: sql`excluded.linked_at`,
  linkedBy: sql`excluded.linked_by`,
};
