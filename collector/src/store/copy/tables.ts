/**
 * What a store copy knows of a table, in neither engine's dialect: each engine describes its own
 * tables from its drizzle schema (the SQLite engine's text where PostgreSQL has an instant, say),
 * and the copy plan pairs the two descriptions column by column.
 */

/**
 * How an engine keeps a column's values. SQLite keeps instants and days as ISO-8601 text, JSON
 * as text and booleans as 0/1; PostgreSQL has a type for each.
 */
export type ColumnKind = 'text' | 'integer' | 'boolean' | 'instant' | 'day' | 'json' | 'bytes';

export interface ColumnShape {
  /** The column's SQL name, the same on every engine. */
  name: string;
  kind: ColumnKind;
  /** PostgreSQL: an identity column, whose sequence must be moved past the rows copied. */
  identity?: boolean;
}

export interface TableShape {
  /** The table's SQL name, the same on every engine. */
  name: string;
  columns: readonly ColumnShape[];
  /** The tables this one's foreign keys point at: they are filled first. */
  references: readonly string[];
}

/** A column's value as an engine's driver gives it or takes it. */
export type RawValue = string | number | bigint | boolean | Buffer | Date | null;

/** Rows of one table, as arrays of values in the order of the columns asked for. */
export type RowBatch = readonly (readonly RawValue[])[];

/** A store read table by table: the source of a copy, and either side of a comparison. */
export interface TableReader {
  /** Where the store is, in words (a file's path, a URL without its password). */
  readonly where: string;
  /** Its tables as its schema declares them. */
  tables(): readonly TableShape[];
  count(table: string): Promise<number>;
  /** The rows of `table`, a batch at a time: never the whole table in memory. */
  rows(table: string, columns: readonly string[], batchSize: number): AsyncIterable<RowBatch>;
  /**
   * The highest value the store ever issued for the table's generated key, when it keeps one
   * apart from the rows (SQLite's AUTOINCREMENT): a key of a deleted row is never given again.
   */
  highestIssued(table: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** A store written table by table, in one transaction: the target of a copy. */
export interface TableWriter {
  readonly where: string;
  tables(): readonly TableShape[];
  /** The tables that hold rows already (a copy goes only into an empty store, unless it replaces). */
  tablesWithRows(): Promise<string[]>;
  /** Empties these tables (all when none are named), in the copy's transaction: what was there stays if the copy fails. */
  empty(tables?: readonly string[]): Promise<void>;
  insert(table: string, columns: readonly string[], rows: RowBatch): Promise<void>;
  /** Moves each identity column's sequence past the highest key copied (or `issued`, if higher). */
  resetIdentity(table: string, column: string, issued: number | undefined): Promise<void>;
  commit(): Promise<void>;
  /** Undoes everything written (also when the copy fails half-way); the store is left as it was. */
  rollback(): Promise<void>;
  /** The store as committed, to compare with the source. */
  reader(): Promise<TableReader>;
  close(): Promise<void>;
}

/** A store that cannot be copied from or to as it is: the target holds data, the source is in use. */
export class CopyRefusedError extends Error {
  constructor(
    message: string,
    readonly reason: 'target-not-empty' | 'source-in-use' | 'source-schema' | 'schemas-differ' | 'bad-row',
  ) {
    super(message);
    this.name = 'CopyRefusedError';
  }
}
