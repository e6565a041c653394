import { is } from 'drizzle-orm';
import { getTableConfig, type PgColumn, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { StoreUnusableError } from '../../../domain/errors.ts';
import {
  type ColumnKind,
  CopyRefusedError,
  type RawValue,
  type RowBatch,
  type TableReader,
  type TableShape,
  type TableWriter,
} from '../../copy/tables.ts';
import { describeSchema, knownMigrations } from '../../migration-journal.ts';
import { type ConnectionOptions, connect } from '../connection.ts';
import { MIGRATIONS, migrateDatabase, schemaVersions } from '../migrate.ts';
import { checkNotNewer, describeDatabase, refusalFor } from '../open-checks.ts';
import * as schema from '../schema/index.ts';

/** drizzle's PostgreSQL column types, as the kinds a copy converts between. */
const KINDS: Readonly<Record<string, ColumnKind>> = {
  PgText: 'text',
  PgInteger: 'integer',
  PgBigInt53: 'integer',
  PgBoolean: 'boolean',
  PgTimestamp: 'instant',
  PgDateString: 'day',
  PgJson: 'json',
  PgJsonb: 'json',
};

function kindOf(table: string, column: PgColumn): ColumnKind {
  if (column.columnType === 'PgCustomColumn' && column.getSQLType() === 'bytea') return 'bytes';
  const kind = KINDS[column.columnType];
  if (!kind) throw new Error(`${table}.${column.name}: a copy does not know PostgreSQL's ${column.columnType} columns`);
  return kind;
}

/** The PostgreSQL engine's tables as its drizzle schema declares them, in neither dialect's words. */
export function postgresTableShapes(): TableShape[] {
  return (Object.values(schema) as unknown[])
    .filter((value): value is PgTable => is(value, PgTable))
    .map((table) => {
      const config = getTableConfig(table);
      return {
        name: config.name,
        columns: config.columns.map((column) => ({
          name: column.name,
          kind: kindOf(config.name, column),
          ...(column.generatedIdentity ? { identity: true } : {}),
        })),
        references: config.foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name),
      };
    });
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/** Type OIDs read as the server's text: a day is no instant, and JSON is compared as text parsed once. */
const AS_TEXT = new Set([1082 /* date */, 114 /* json */, 3802 /* jsonb */, 20 /* int8 */]);

const TEXT_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    AS_TEXT.has(oid)
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

function insertStatement(table: string, columns: readonly string[], rows: number, overriding: boolean): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    tuples.push(`(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
  }
  const override = overriding ? ' overriding system value' : '';
  return `insert into ${quoted(table)} (${columns.map(quoted).join(', ')})${override} values ${tuples.join(', ')}`;
}

/** A row the server refused (a NUL in text, a broken foreign key): which table, and the server's words. */
function rowRefused(err: unknown, table: string): CopyRefusedError | undefined {
  if (!(err instanceof pg.DatabaseError)) return undefined;
  const detail = err.detail ? ` (${err.detail})` : '';
  return new CopyRefusedError(
    `PostgreSQL refused a row of ${table}: ${err.message}${detail}; nothing was copied`,
    'bad-row',
  );
}

/**
 * Reads the database's tables in one REPEATABLE READ, read-only transaction (every table as of
 * one moment), each through a cursor, a batch at a time.
 */
async function openReader(pool: pg.Pool, where: string, shapes: readonly TableShape[]): Promise<TableReader> {
  const client = await pool.connect();
  await client.query('begin isolation level repeatable read read only');
  let cursors = 0;
  return {
    where,
    tables: () => shapes,
    async count(table) {
      const result = await client.query<{ n: string }>(`select count(*) as n from ${quoted(table)}`);
      return Number(result.rows[0]?.n ?? 0);
    },
    async *rows(table, columns, batchSize): AsyncIterable<RowBatch> {
      const cursor = `copy_rows_${++cursors}`;
      await client.query(
        `declare ${cursor} no scroll cursor for select ${columns.map(quoted).join(', ')} from ${quoted(table)}`,
      );
      try {
        for (;;) {
          const batch = await client.query<RawValue[]>({
            text: `fetch ${batchSize} from ${cursor}`,
            rowMode: 'array',
            types: TEXT_TYPES,
          });
          if (batch.rows.length === 0) return;
          yield batch.rows;
        }
      } finally {
        await client.query(`close ${cursor}`);
      }
    },
    async highestIssued() {
      return undefined;
    },
    async close() {
      await client.query('rollback').catch(() => undefined);
      client.release();
    },
  };
}

/**
 * A PostgreSQL database to copy into: opened (refused as the collector refuses one it cannot
 * use), migrated when new, as a collector would at its first start, and written in one
 * transaction that holds every table locked against other writers until it commits.
 */
export async function openPostgresTableWriter(options: ConnectionOptions): Promise<TableWriter> {
  const where = describeDatabase(options.url);
  const db = connect({ ...options, poolSize: 2 });
  const pool = db.$client;
  const shapes = postgresTableShapes();
  const withIdentity = new Set(shapes.filter((t) => t.columns.some((c) => c.identity)).map((t) => t.name));
  const names = shapes.map((t) => quoted(t.name)).join(', ');
  let client: pg.PoolClient;
  try {
    await checkNotNewer(pool, where);
    await migrateDatabase(pool);
    client = await pool.connect();
    await client.query('begin');
    // Other writers (a collector started too early) wait until the copy is committed or undone.
    await client.query(`lock table ${names} in exclusive mode`);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw refusalFor(err, where) ?? err;
  }
  let done = false;
  const finish = async (statement: 'commit' | 'rollback') => {
    if (done) return;
    done = true;
    try {
      await client.query(statement);
    } finally {
      client.release();
    }
  };
  return {
    where,
    tables: () => shapes,
    async tablesWithRows() {
      const probes = shapes.map(
        (t) => `select ${pg.escapeLiteral(t.name)} as name where exists (select 1 from ${quoted(t.name)})`,
      );
      const result = await client.query<{ name: string }>(probes.join(' union all '));
      return result.rows.map((row) => row.name).sort();
    },
    async empty(tables) {
      const chosen = tables
        ? shapes
            .filter((t) => tables.includes(t.name))
            .map((t) => quoted(t.name))
            .join(', ')
        : names;
      if (chosen) await client.query(`truncate ${chosen} restart identity`);
    },
    async insert(table, columns, rows) {
      const perStatement = Math.max(1, Math.min(rows.length, Math.floor(MAX_PARAMETERS / columns.length)));
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const text = insertStatement(table, columns, chunk.length, withIdentity.has(table));
        try {
          // The same statement for every full batch of a table: parsed and planned once.
          await client.query({ name: `copy_${table}_${chunk.length}`, text, values: chunk.flat() });
        } catch (err) {
          throw refusalFor(err, where) ?? rowRefused(err, table) ?? err;
        }
      }
    },
    async resetIdentity(table, column, issued) {
      const highest = `greatest(coalesce(max(${quoted(column)}), 0), $2::bigint)`;
      await client.query(
        `select setval(pg_get_serial_sequence($1, $3), greatest(${highest}, 1), ${highest} > 0) from ${quoted(table)}`,
        [quoted(table), issued ?? 0, column],
      );
    },
    commit: () => finish('commit'),
    rollback: () => finish('rollback').catch(() => undefined),
    reader: () => openReader(pool, where, shapes),
    async close() {
      await finish('rollback').catch(() => undefined);
      await pool.end();
    },
  };
}

/** A PostgreSQL database read for a comparison, without writing to it (nor migrating it). */
export async function openPostgresTableReader(options: ConnectionOptions): Promise<TableReader> {
  const where = describeDatabase(options.url);
  const pool = connect({ ...options, poolSize: 1 }).$client;
  let reader: TableReader;
  try {
    await checkNotNewer(pool, where);
    const versions = await schemaVersions(pool, knownMigrations(MIGRATIONS));
    if (versions.found !== versions.expected) {
      throw new StoreUnusableError(
        `cannot compare with the database ${where}: its ${describeSchema(versions)} (a copy, or a collector's start, migrates it)`,
        'unreadable',
      );
    }
    reader = await openReader(pool, where, postgresTableShapes());
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw refusalFor(err, where) ?? err;
  }
  return { ...reader, close: () => reader.close().then(() => pool.end()) };
}
