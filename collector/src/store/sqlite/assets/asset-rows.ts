import { eq, sql } from 'drizzle-orm';
import type { Db } from '../open-database.ts';
import { assetMacs } from '../schema/index.ts';

export { assetFromRow, columnsFor } from '../../common/asset-rows.ts';

export function replaceMacs(db: Db, assetId: string, macs: readonly string[]): void {
  db.delete(assetMacs).where(eq(assetMacs.assetId, assetId)).run();
  if (macs.length > 0)
    db.insert(assetMacs)
      .values(macs.map((mac) => ({ assetId, mac })))
      .run();
}

/** Reads an asset's MAC addresses, in order, through one statement prepared once. */
export function macsReader(db: Db): (assetId: string) => string[] {
  const query = db
    .select({ mac: assetMacs.mac })
    .from(assetMacs)
    .where(eq(assetMacs.assetId, sql.placeholder('assetId')))
    .orderBy(assetMacs.mac)
    .prepare();
  return (assetId) => query.all({ assetId }).map((r) => r.mac);
}
