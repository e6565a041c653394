import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, type SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  type ColumnKind,
  CopyRefusedError,
  type RawValue,
  type RowBatch,
  type TableReader,
  type TableShape,
} from '../../copy/tables.ts';
import { processesHolding } from '../maintenance/holders.ts';
import { MIGRATIONS, refusalFor, unusable } from '../open-database.ts';
import * as schema from '../schema/index.ts';
import { describeSchema, knownMigrations, schemaVersions } from '../schema-version.ts';

/** drizzle's SQLite column types, as the kinds a copy converts between. */
const KINDS: Readonly<Record<string, ColumnKind>> = {
  SQLiteText: 'text',
  SQLiteInteger: 'integer',
  SQLiteBoolean: 'boolean',
  SQLiteTextJson: 'json',
  SQLiteBlobBuffer: 'bytes',
};

function kindOf(table: string, column: SQLiteColumn): ColumnKind {
  const kind = KINDS[column.columnType];
  if (!kind) throw new Error(`${table}.${column.name}: a copy does not know SQLite's ${column.columnType} columns`);
  return kind;
}

/** The SQLite engine's tables as its drizzle schema declares them, in neither dialect's words. */
export function sqliteTableShapes(): TableShape[] {
  return (Object.values(schema) as unknown[])
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => {
      const config = getTableConfig(table);
      return {
        name: config.name,
        columns: config.columns.map((column) => ({ name: column.name, kind: kindOf(config.name, column) })),
        references: config.foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name),
      };
    });
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** What to do when the collector still has the database open. */
const STOP_FIRST =
  'stop the collector first (sudo systemctl stop stocktake-collector), so that nothing is written after the copy';

/**
 * A SQLite database read for a copy: opened read-only, refused while another process has it open
 * (a collector still writing would leave the copy behind it) or when its schema is not this
 * collector's latest (migrate it first), and read in one transaction, so that every table is read
 * as of the same moment.
 */
export async function openSqliteTableReader(path: string): Promise<TableReader> {
  const file = resolve(path);
  if (!existsSync(file)) throw unusable(file, 'there is no such file', 'unreadable');
  const live = realpathSync(file);
  const holders = await processesHolding([live, `${live}-wal`, `${live}-shm`]);
  if (holders.length > 0) {
    const who = holders.map((h) => `pid ${h.pid} (${h.command || 'unknown'})`).join(', ');
    throw new CopyRefusedError(`the database ${file} is open in ${who}; ${STOP_FIRST}`, 'source-in-use');
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    const versions = schemaVersions(sqlite, knownMigrations(MIGRATIONS));
    if (versions.newer || versions.found !== versions.expected) {
      sqlite.close();
      const what = versions.newer
        ? 'run the collector version that wrote it'
        : `run \`stocktake-collector migrate --db ${file}\` first`;
      throw new CopyRefusedError(
        `cannot copy the database ${file}: its ${describeSchema(versions)}; ${what}`,
        'source-schema',
      );
    }
    // One read transaction from here to close: each table as of the same moment.
    sqlite.exec('BEGIN');
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (err) {
    throw refusalFor(err, file) ?? err;
  }
  const shapes = sqliteTableShapes();
  const hasSequences =
    sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'").get() !== undefined;
  return {
    where: file,
    tables: () => shapes,
    async count(table) {
      return (sqlite.prepare(`select count(*) as n from ${quoted(table)}`).get() as { n: number }).n;
    },
    async *rows(table, columns, batchSize): AsyncIterable<RowBatch> {
      const statement = sqlite.prepare(`select ${columns.map(quoted).join(', ')} from ${quoted(table)}`).raw(true);
      let batch: RawValue[][] = [];
      for (const row of statement.iterate() as IterableIterator<RawValue[]>) {
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async highestIssued(table) {
      if (!hasSequences) return undefined;
      const row = sqlite.prepare('select seq from sqlite_sequence where name = ?').get(table) as
        | { seq: number }
        | undefined;
      return row?.seq;
    },
    async close() {
      if (sqlite.open) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        sqlite.close();
      }
    },
  };
}
