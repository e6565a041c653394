/**
 * Store copy benchmark: a SQLite store of N devices, copied into a throwaway PostgreSQL by the
 * real `stocktake-collector store copy` command, which then compares both stores. The store is
 * built in two parts: most devices by reconcile.ts's bulk builder (500 packages each, an
 * N-asset register, 1,000 licenses, a reconciliation's findings: writing them through ingest
 * would take an hour on this machine), and INGESTED devices written by a real collector as
 * agents report (ingest.ts's fleet and phases: a full snapshot each, then churned snapshots and
 * deltas), so that snapshots, their sections and the history of changes are there too; then
 * one more reconciliation and an API token, with the collector's own commands.
 *
 *   pnpm bench --only store-copy [--size 10000]
 *
 * Prints the rows per table, the copy's duration and rows per second, the comparison's duration
 * and its verdict, and writes its section of docs/benchmarks.md. Exits non-zero if the stores
 * are not verified equal.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  postgresBinaries,
  startThrowawayCluster,
} from '../../collector/src/store/postgres/test-support/throwaway-cluster.ts';
import { COLLECTOR_BIN, runCollector } from '../../test/support/processes.ts';
import { buildDatabase } from './api.ts';
import { sourceLine } from './deltas.ts';
import { runIngest } from './ingest.ts';
import { machineLine, table } from './lib/report.ts';

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const count = (n: number) => n.toLocaleString('en-US');

/** Devices that report through a real collector; the others are bulk-built. */
const INGESTED = 300;

export interface StoreCopyBenchOptions {
  devices: number;
}

/** What `store copy --json` prints. */
interface CopyOutput {
  copy: {
    tables: { table: string; sourceRows: number; copiedRows: number; durationMs: number }[];
    rows: number;
    durationMs: number;
    rowsPerSecond: number;
  };
  comparison: {
    equal: boolean;
    differing: string[];
    durationMs: number;
    tables: { table: string; source: { rows: number }; target: { rows: number }; equal: boolean }[];
  };
}

/** Runs the real command to its end, however long it takes; its exit code, output and wall time. */
function storeCopy(args: string[]): Promise<{ code: number; stdout: string; stderr: string; wallS: number }> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [COLLECTOR_BIN, 'store', 'copy', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr, wallS: (performance.now() - started) / 1000 }));
  });
}

export async function storeCopyBench(opts: StoreCopyBenchOptions): Promise<string> {
  const sources = sourceLine();
  const ingested = Math.min(opts.devices, INGESTED);
  const bulk = opts.devices - ingested;
  const started = performance.now();
  // The builder writes stocktake.db in a folder of its own; the collector then ingests into it.
  const dir =
    bulk > 0 ? dirname((await buildDatabase(bulk)).path) : mkdtempSync(join(tmpdir(), 'stocktake-bench-store-copy-'));
  const cluster = await startThrowawayCluster();
  try {
    log(`store-copy: ${count(bulk)} devices bulk-built; a collector ingests ${count(ingested)} more`);
    await runIngest({
      devices: ingested,
      concurrency: 32,
      transport: 'http',
      churned: ingested,
      unchanged: Math.min(ingested, 100),
      dir,
      // The collector starts on the bulk-built file: its start-up check reads all of it first.
      startTimeoutMs: 300_000,
    });
    const buildS = (performance.now() - started) / 1000;
    const dbPath = join(dir, 'stocktake.db');
    const reconciled = await runCollector(['reconcile', '--db', dbPath]);
    if (reconciled.code !== 0) throw new Error(`reconcile exited ${reconciled.code}: ${reconciled.stderr}`);
    const token = await runCollector(['token', 'create', '--name', 'bench', '--role', 'reader', '--db', dbPath]);
    if (token.code !== 0) throw new Error(`token create exited ${token.code}: ${token.stderr}`);
    const fileBytes = statSync(dbPath).size;
    log(
      `SQLite store: ${(fileBytes / 1024 ** 3).toFixed(2)} GiB; PostgreSQL ${cluster.version} on port ${cluster.port}`,
    );

    await promisify(execFile)(join(postgresBinaries(), 'createdb'), [
      '--host',
      cluster.host,
      '--port',
      String(cluster.port),
      '--username',
      cluster.user,
      'stocktake',
    ]);
    const url = `postgres://${cluster.user}@${cluster.host}:${cluster.port}/stocktake`;
    const loadBefore = loadavg()[0] ?? 0;
    log(`stocktake-collector store copy --from sqlite:${dbPath} --to ${url} --json`);
    const run = await storeCopy(['--from', `sqlite:${dbPath}`, '--to', url, '--json']);
    if (run.code !== 0 && run.code !== 1) throw new Error(`store copy exited ${run.code}: ${run.stderr}`);
    const loadAfter = loadavg()[0] ?? 0;
    const out = JSON.parse(run.stdout) as CopyOutput;
    const { copy, comparison } = out;
    const verdict = comparison.equal
      ? `verified equal (${comparison.tables.length} tables)`
      : `NOT EQUAL: ${comparison.differing.join(', ')}`;
    log(
      `copied ${count(copy.rows)} rows in ${(copy.durationMs / 1000).toFixed(1)} s (${count(copy.rowsPerSecond)} rows/s); compared in ${(comparison.durationMs / 1000).toFixed(1)} s: ${verdict}`,
    );
    if (!comparison.equal) process.exitCode = 1;
    const biggest = [...copy.tables].sort((a, b) => b.sourceRows - a.sourceRows).slice(0, 8);
    return [
      '## Store copy: SQLite to PostgreSQL',
      '',
      `${machineLine()}. ${sources} PostgreSQL ${cluster.version} (a throwaway cluster on this machine, default settings). The SQLite store: ${count(bulk)} devices from reconcile.ts's bulk builder (500 packages each, an asset register, 1,000 licenses, findings) and ${count(ingested)} written by a real collector as agents report (a full snapshot each, then churned snapshots and deltas: snapshots and history), then one reconciliation and an API token through the collector's commands. \`stocktake-collector store copy --json\` ran once on it, as a process; its own figures. Load average (1 min) ${loadBefore.toFixed(1)} before the copy, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores: above that, the wall times include waiting for a core.`,
      '',
      table(
        ['devices', 'SQLite file', 'rows', 'copy', 'rows/s', 'comparison (both stores)', 'whole command', 'verdict'],
        [
          [
            count(opts.devices),
            `${(fileBytes / 1024 ** 3).toFixed(2)} GiB`,
            count(copy.rows),
            `${(copy.durationMs / 1000).toFixed(1)} s`,
            count(copy.rowsPerSecond),
            `${(comparison.durationMs / 1000).toFixed(1)} s`,
            `${run.wallS.toFixed(1)} s`,
            verdict,
          ],
        ],
      ),
      '',
      'The largest tables, as copied:',
      '',
      table(
        ['table', 'source rows', 'copied', 'copy s', 'rows/s'],
        biggest.map((t) => [
          t.table,
          count(t.sourceRows),
          count(t.copiedRows),
          (t.durationMs / 1000).toFixed(1),
          count(Math.round(t.copiedRows / Math.max(t.durationMs / 1000, 0.001))),
        ]),
      ),
      '',
      `The copy is one PostgreSQL transaction of multi-row INSERTs, 1,000 rows a batch; the comparison reads every row of both stores again and hashes its canonical values. Building the store took ${buildS.toFixed(0)} s and is not part of these figures.`,
    ].join('\n');
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
