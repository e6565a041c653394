import type { Stores } from '../../domain/ports.ts';
import { type OpenOptions, openDatabase } from './open-database.ts';

/** The SQLite engine behind the domain's ports: one file, opened (and migrated) here. */
export async function openSqliteStores(path: string, options: OpenOptions = {}): Promise<Stores> {
  const opened = openDatabase(path, options);
  return {
    close: async () => {
      opened.close();
    },
  };
}
