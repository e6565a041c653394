/**
 * What an operator asks of the storage engine itself, whatever the engine: its figures (for
 * monitoring) and a consistent copy of everything it holds (backups). How each is done is the
 * engine's business (SQLite's backup API; PostgreSQL has pg_dump and pg_basebackup).
 */

/** Figures of the storage engine, read when asked (a metrics scrape). */
export interface StorageStatistics {
  /** Bytes the database takes on disk (for SQLite: the file and its write-ahead log). */
  databaseBytes: number;
  /**
   * The group-commit queue, for engines that batch concurrent writes into one transaction:
   * writes waiting now, and batches and units of work committed since the engine opened.
   */
  writeQueue?: { depth: number; batches: number; units: number };
}

/** What a backup wrote. */
export interface BackupReport {
  /** The file written. */
  path: string;
  bytes: number;
  /** The schema version (migrations applied) the copy carries; a restore checks it. */
  schemaVersion: number;
  durationMs: number;
}

export interface StorageMaintenance {
  statistics(): Promise<StorageStatistics>;
  /**
   * Writes a consistent copy of the whole database to `file` while the collector keeps
   * serving: every write committed before the backup started is in it, and no half of a later
   * one. The file must not exist yet. Rejects with BackupError when it cannot be made.
   */
  backup(file: string): Promise<BackupReport>;
}

/**
 * Why a backup or restore did not happen: the target exists, the backup is damaged or from
 * another version, the database is in use, or the copy itself failed.
 */
export type BackupFailure = 'exists' | 'invalid' | 'in-use' | 'failed';

/** A backup or restore refused or failed, with a message an operator can act on. */
export class BackupError extends Error {
  override name = 'BackupError';
  constructor(
    message: string,
    readonly failure: BackupFailure = 'failed',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A migration the database has had, by the name the engine ships it under. */
export interface AppliedMigration {
  name: string;
}

/** The database's schema against the migrations this collector ships. */
export interface MigrationStatus {
  /** Where the database is, as an operator would name it (a file, a connection without its password). */
  database: string;
  /** Migrations applied, oldest first. */
  applied: AppliedMigration[];
  /** Migrations this collector ships that the database lacks, in the order they would run. */
  pending: string[];
  /** The schema version the database has: how many migrations it has had. */
  version: number;
  /** The schema version this collector writes. */
  expected: number;
}

/** What applying the pending migrations did. */
export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
  durationMs: number;
}

/**
 * The storage engine's schema migrations, applied only when asked: `serve` (after a backup) and
 * `stocktake-collector migrate`. Both methods refuse, with StoreUnusableError ('newer-schema'),
 * a database a newer collector wrote, and never write to it.
 */
export interface SchemaMigrations {
  status(): Promise<MigrationStatus>;
  /** Applies every pending migration, in order; nothing when none is pending. */
  apply(): Promise<MigrationReport>;
}
