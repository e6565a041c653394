import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { MIGRATIONS } from '../open-database.ts';

/** drizzle-kit's list of the migrations, one entry each, in order. */
const JOURNAL = resolve(MIGRATIONS, 'meta', '_journal.json');

/** How many migrations this collector knows: the schema version it writes. */
export function knownSchemaVersion(): number {
  const journal = JSON.parse(readFileSync(JOURNAL, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** The schema version a database carries: how many migrations were applied to it (0: none, or not ours). */
export function schemaVersionOf(sqlite: Database.Database): number {
  const has = (name: string) =>
    sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined;
  if (!has('__drizzle_migrations')) return 0;
  return (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}

/** What SQLite's integrity check finds wrong, page by page; empty when the database is sound. */
export function integrityProblems(sqlite: Database.Database): string[] {
  const rows = sqlite.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
  const problems = rows.map((row) => row.integrity_check);
  return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
}
