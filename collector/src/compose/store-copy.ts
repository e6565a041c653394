import {
  type Comparison,
  type CopyReport,
  compareStores,
  copyStore,
  type TableComparison,
  type TableCopied,
} from '../store/copy/store-copy.ts';
import type { TableReader } from '../store/copy/tables.ts';
import { openSqliteTableReader } from '../store/sqlite/copy/sqlite-table-reader.ts';
import type { PostgresLocation } from './stores.ts';

export type { Comparison, CopyReport, TableComparison, TableCopied } from '../store/copy/store-copy.ts';
export { CopyRefusedError } from '../store/copy/tables.ts';

export interface StoreCopyOptions {
  /** The SQLite file copied from. */
  from: string;
  /** The PostgreSQL database copied into. */
  to: PostgresLocation;
  replace?: boolean;
  onCopied?: (table: TableCopied) => void;
  /** Told once the copy is committed, before the comparison starts. */
  onCommitted?: (copy: CopyReport) => void;
  onCompared?: (table: TableComparison) => void;
}

/** Loaded only when a copy runs: the other commands on SQLite never load the PostgreSQL driver. */
const postgresTables = () => import('../store/postgres/copy/postgres-table-writer.ts');

const connection = (to: PostgresLocation) => ({
  url: to.url,
  ...(to.tls ? { tls: to.tls } : {}),
});

/**
 * `store copy`: every table of a SQLite store into an empty PostgreSQL database, in one
 * transaction, then both stores compared table by table. The source is read in one read
 * transaction throughout, so the comparison sees exactly what was copied.
 */
export async function copySqliteToPostgres(
  options: StoreCopyOptions,
): Promise<{ copy: CopyReport; comparison: Comparison }> {
  const source = await openSqliteTableReader(options.from);
  try {
    const target = await (await postgresTables()).openPostgresTableWriter(connection(options.to));
    try {
      const copy = await copyStore(source, target, {
        ...(options.replace ? { replace: true } : {}),
        ...(options.onCopied ? { onTable: options.onCopied } : {}),
      });
      options.onCommitted?.(copy);
      const copied = await target.reader();
      try {
        const comparison = await compareStores(source, copied, {
          ...(options.onCompared ? { onTable: options.onCompared } : {}),
        });
        return { copy, comparison };
      } finally {
        await copied.close();
      }
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** `store compare`: a SQLite store and a PostgreSQL one, table by table, without writing either. */
export async function compareSqliteWithPostgres(
  options: Pick<StoreCopyOptions, 'from' | 'to' | 'onCompared'>,
): Promise<Comparison> {
  const source = await openSqliteTableReader(options.from);
  let target: TableReader | undefined;
  try {
    target = await (await postgresTables()).openPostgresTableReader(connection(options.to));
    return await compareStores(source, target, {
      ...(options.onCompared ? { onTable: options.onCompared } : {}),
    });
  } finally {
    await target?.close();
    await source.close();
  }
}
