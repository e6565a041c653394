import type { Stores } from '../../domain/ports.ts';
import { createAuditLog } from './audit/audit-repository.ts';
import { createSqliteInventory } from './inventory-stores.ts';
import { type OpenOptions, openDatabase } from './open-database.ts';

/** The SQLite engine behind the domain's ports: one file, opened (and migrated) here. */
export async function openSqliteStores(path: string, options: OpenOptions = {}): Promise<Stores> {
  const opened = openDatabase(path, options);
  const { ports } = createSqliteInventory(opened.db, createAuditLog(opened.db));
  return {
    ...ports,
    close: async () => {
      opened.close();
    },
  };
}
