import { type TableFigures, tableFigures } from './checksum.ts';
import { convertRow, type PlannedTable, planCopy } from './copy-plan.ts';
import { CopyRefusedError, type TableReader, type TableWriter } from './tables.ts';

/** Rows read and written at a time: enough to keep round trips few, never a whole table in memory. */
export const COPY_BATCH_ROWS = 1000;

/**
 * Tables that hold a running instance's own state, not the store's data: the readiness check's
 * row, cluster job leases, live-channel presence. A collector started once on the new database
 * (to see it migrate, say) leaves rows there: they do not make the target "not empty", and are
 * emptied before the copy, in its transaction.
 */
export const INSTANCE_STATE_TABLES: readonly string[] = ['readiness_probe', 'job_leases', 'agent_presence'];

export interface TableCopied {
  table: string;
  sourceRows: number;
  copiedRows: number;
  durationMs: number;
}

export interface CopyReport {
  tables: TableCopied[];
  rows: number;
  durationMs: number;
}

export interface TableComparison {
  table: string;
  source: TableFigures;
  target: TableFigures;
  equal: boolean;
}

export interface Comparison {
  equal: boolean;
  tables: TableComparison[];
  /** The tables whose rows or checksums differ. */
  differing: string[];
  durationMs: number;
}

export interface CopyOptions {
  /** Empty a target that holds rows first (in the copy's transaction) instead of refusing it. */
  replace?: boolean;
  /** Told as each table is done, in the order they are copied. */
  onTable?: (copied: TableCopied) => void;
}

async function copyTable(source: TableReader, target: TableWriter, table: PlannedTable): Promise<TableCopied> {
  const started = performance.now();
  const sourceRows = await source.count(table.name);
  const names = table.columns.map((c) => c.name);
  let copiedRows = 0;
  for await (const batch of source.rows(table.name, names, COPY_BATCH_ROWS)) {
    await target.insert(
      table.name,
      names,
      batch.map((row) => convertRow(table, row)),
    );
    copiedRows += batch.length;
  }
  for (const column of table.columns.filter((c) => c.identity)) {
    await target.resetIdentity(table.name, column.name, await source.highestIssued(table.name));
  }
  return { table: table.name, sourceRows, copiedRows, durationMs: Math.round(performance.now() - started) };
}

/**
 * Copies every table of `source` into `target`, in dependency order, in the target's one
 * transaction: committed whole, or (a refusal, a row the target rejects, an interruption) not at
 * all. The target must be empty unless `replace` is asked for.
 */
export async function copyStore(
  source: TableReader,
  target: TableWriter,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const plan = planCopy(source.tables(), target.tables());
  const started = performance.now();
  try {
    if (options.replace) {
      await target.empty();
    } else {
      const holding = (await target.tablesWithRows()).filter((t) => !INSTANCE_STATE_TABLES.includes(t));
      if (holding.length > 0) {
        throw new CopyRefusedError(
          `${target.where} is not empty (rows in ${holding.join(', ')}); copy into a new database, or pass --replace to empty it first`,
          'target-not-empty',
        );
      }
      await target.empty(INSTANCE_STATE_TABLES);
    }
    const tables: TableCopied[] = [];
    for (const table of plan) {
      const copied = await copyTable(source, target, table);
      tables.push(copied);
      options.onTable?.(copied);
    }
    await target.commit();
    const rows = tables.reduce((n, t) => n + t.copiedRows, 0);
    return { tables, rows, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    await target.rollback();
    throw err;
  }
}

/**
 * Both stores table by table: the rows each holds and their order-independent checksum over
 * what each value means (checksum.ts). Equal when every table has the same figures on both.
 */
export async function compareStores(
  source: TableReader,
  target: TableReader,
  options: { onTable?: (compared: TableComparison) => void } = {},
): Promise<Comparison> {
  const started = performance.now();
  const plan = planCopy(source.tables(), target.tables());
  const tables: TableComparison[] = [];
  for (const table of plan) {
    const sourceFigures = await tableFigures(source, table, 'source', COPY_BATCH_ROWS);
    const targetFigures = await tableFigures(target, table, 'target', COPY_BATCH_ROWS);
    const compared = {
      table: table.name,
      source: sourceFigures,
      target: targetFigures,
      equal: sourceFigures.rows === targetFigures.rows && sourceFigures.checksum === targetFigures.checksum,
    };
    tables.push(compared);
    options.onTable?.(compared);
  }
  const differing = tables.filter((t) => !t.equal).map((t) => t.table);
  return { equal: differing.length === 0, tables, differing, durationMs: Math.round(performance.now() - started) };
}
