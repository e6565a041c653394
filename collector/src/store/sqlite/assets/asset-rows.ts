import { eq, sql } from 'drizzle-orm';
import type { Db } from '../open-database.ts';
import { assetMacs, assetStatusEvents, assets } from '../schema/index.ts';

export { assetFromRow, columnsFor } from '../../common/asset-rows.ts';

/** Statements kept at most for the inserts or updates of different sets of columns. */
const MAX_SHAPES = 64;

type Run = { run(values: Record<string, unknown>): unknown };

/**
 * The writes of the register on statements prepared once: an import writes an asset, its MACs,
 * its status event and its audit entry for every row, and building each query anew cost more than
 * running it. Every value is passed as SQLite stores it (JSON as text, booleans as 0 or 1): the
 * placeholders are raw SQL, so drizzle maps nothing, and NULL stays NULL.
 */
export function assetWriteStatements(db: Db) {
  const raw = (name: string) => sql`${sql.placeholder(name)}`;
  const placeholders = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, raw(n)]));
  const inserts = new Map<string, Run>();
  const updates = new Map<string, Run>();
  const shaped = (cache: Map<string, Run>, names: readonly string[], prepare: () => Run): Run => {
    const key = names.join(',');
    let statement = cache.get(key);
    if (!statement) {
      if (cache.size >= MAX_SHAPES) cache.clear();
      statement = prepare();
      cache.set(key, statement);
    }
    return statement;
  };
  const deleteMacs = db
    .delete(assetMacs)
    .where(eq(assetMacs.assetId, sql.placeholder('assetId')))
    .prepare();
  const insertMac = db
    .insert(assetMacs)
    .values({ assetId: raw('assetId'), mac: raw('mac') })
    .prepare();
  const statusEvent = db
    .insert(assetStatusEvents)
    .values(
      placeholders([
        'assetId',
        'fromStatus',
        'toStatus',
        'at',
        'actor',
        'note',
        'correction',
      ]) as unknown as typeof assetStatusEvents.$inferInsert,
    )
    .returning({ id: assetStatusEvents.id })
    .prepare();
  return {
    /** A new asset's row: its columns (columnsFor) with id, tag, status, locks (JSON) and stamps. */
    insertAsset(values: Record<string, unknown>): void {
      const names = Object.keys(values).sort();
      shaped(inserts, names, () =>
        db
          .insert(assets)
          .values(placeholders(names) as unknown as typeof assets.$inferInsert)
          .prepare(),
      ).run(values);
    },
    /** Sets the given columns of one asset. */
    updateAsset(id: string, values: Record<string, unknown>): void {
      const names = Object.keys(values).sort();
      shaped(updates, names, () =>
        db
          .update(assets)
          .set(placeholders(names))
          .where(eq(assets.id, sql.placeholder('assetRowId')))
          .prepare(),
      ).run({ ...values, assetRowId: id });
    },
    insertStatusEvent: (values: Record<string, unknown>): { id: number } => statusEvent.get(values) as { id: number },
    replaceMacs(assetId: string, macs: readonly string[]): void {
      deleteMacs.run({ assetId });
      for (const mac of macs) insertMac.run({ assetId, mac });
    },
  };
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
