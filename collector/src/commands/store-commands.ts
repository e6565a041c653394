import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Comparison,
  CopyRefusedError,
  compareSqliteWithPostgres,
  copySqliteToPostgres,
  type TableComparison,
  type TableCopied,
} from '../compose/store-copy.ts';
import { describeLocation, type PostgresLocation } from '../compose/stores.ts';
import type { Io } from './register-commands.ts';

/**
 * sysexits.h for a copy refused: the source is in use (try again once the collector is
 * stopped), the target holds data (as `backup` refuses a file that exists), a schema not
 * migrated (a person must act), a row the target cannot take. Stores that compare unequal exit
 * 1, as cmp and diff do.
 */
export const STORE_EXIT = {
  ok: 0,
  differ: 1,
  'bad-row': 65,
  noInput: 66,
  'schemas-differ': 70,
  'target-not-empty': 73,
  'source-in-use': 75,
  'source-schema': 78,
} as const;

export interface StoreCommand {
  verb: 'copy' | 'compare';
  /** The SQLite file. */
  from: string;
  to: PostgresLocation;
  replace: boolean;
  json: boolean;
}

/** The table column's width: the longest table name fits. */
const WIDTH = 28;

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (rows: number, ms: number) => count(Math.round(rows / Math.max(ms / 1000, 0.001)));

function copiedLine(t: TableCopied, width = WIDTH): string {
  return `${t.table.padEnd(width)}  ${count(t.sourceRows).padStart(12)}  ${count(t.copiedRows).padStart(12)}\n`;
}

function comparedLine(t: TableComparison, width = WIDTH): string {
  const checksum = t.equal ? t.source.checksum : `${t.source.checksum} ≠ ${t.target.checksum}`;
  return `${t.table.padEnd(width)}  ${count(t.source.rows).padStart(12)}  ${count(t.target.rows).padStart(12)}  ${checksum}  ${t.equal ? 'equal' : 'DIFFERS'}\n`;
}

function verdict(comparison: Comparison): string {
  const rows = comparison.tables.reduce((n, t) => n + t.source.rows, 0);
  if (comparison.equal) {
    return `verified equal: ${comparison.tables.length} tables, ${count(rows)} rows, the same counts and checksums on both stores (${seconds(comparison.durationMs)})\n`;
  }
  return `NOT EQUAL: ${comparison.differing.join(', ')} differ${comparison.differing.length === 1 ? 's' : ''} between the two stores\n`;
}

function refused(err: unknown, io: Io): number {
  if (!(err instanceof CopyRefusedError)) throw err;
  io.err(`stocktake-collector: ${err.message}\n`);
  return STORE_EXIT[err.reason];
}

/**
 * `stocktake-collector store copy|compare --from sqlite:/path --to postgres://…`: copies a
 * SQLite store into an empty PostgreSQL database (one transaction: all or nothing), with the
 * rows of each table, then compares both stores table by table (rows, and a checksum over what
 * each value means); `compare` does only the comparison. Exit 1 when they differ.
 */
export async function runStoreCommand(command: StoreCommand, io: Io): Promise<number> {
  const from = resolve(command.from);
  if (!existsSync(from)) {
    io.err(`stocktake-collector: no database at ${from} (--from names the SQLite file to copy)\n`);
    return STORE_EXIT.noInput;
  }
  const to = describeLocation(command.to);
  const human = !command.json;
  const say = (text: string) => {
    if (human) io.out(text);
  };
  const comparing = () =>
    say(
      `\ncomparing both stores (rows, and a checksum of every row's values)\n${'table'.padEnd(WIDTH)}  ${'sqlite'.padStart(12)}  ${'postgres'.padStart(12)}  checksum\n`,
    );
  try {
    if (command.verb === 'compare') {
      say(`comparing ${from} with ${to}\n`);
      comparing();
      const comparison = await compareSqliteWithPostgres({
        from,
        to: command.to,
        onCompared: (t) => say(comparedLine(t)),
      });
      if (command.json) io.out(`${JSON.stringify({ from, to, comparison }, null, 2)}\n`);
      else say(verdict(comparison));
      return comparison.equal ? STORE_EXIT.ok : STORE_EXIT.differ;
    }
    say(
      `copying ${from} to ${to}\n${'table'.padEnd(WIDTH)}  ${'source rows'.padStart(12)}  ${'copied'.padStart(12)}\n`,
    );
    const { copy, comparison } = await copySqliteToPostgres({
      from,
      to: command.to,
      replace: command.replace,
      onCopied: (t) => say(copiedLine(t)),
      onCommitted: (done) => {
        say(
          `copied ${count(done.rows)} rows in ${done.tables.length} tables in ${seconds(done.durationMs)} (${rate(done.rows, done.durationMs)} rows/s), committed\n`,
        );
        comparing();
      },
      onCompared: (t) => say(comparedLine(t)),
    });
    if (command.json) {
      const rowsPerSecond = Math.round(copy.rows / Math.max(copy.durationMs / 1000, 0.001));
      io.out(`${JSON.stringify({ from, to, copy: { ...copy, rowsPerSecond }, comparison }, null, 2)}\n`);
      return comparison.equal ? STORE_EXIT.ok : STORE_EXIT.differ;
    }
    say(verdict(comparison));
    return comparison.equal ? STORE_EXIT.ok : STORE_EXIT.differ;
  } catch (err) {
    return refused(err, io);
  }
}
