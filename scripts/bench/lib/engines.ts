/**
 * The storage engines a benchmark can run on, side by side: `sqlite` (a file in a temporary
 * folder, one collector), `pg` (a throwaway PostgreSQL 15 cluster, one collector) and `pg2` (the
 * same with two collector processes on the one database, the fleet's agents spread across them
 * round-robin). For PostgreSQL the server's own CPU is read from /proc, so a benchmark can give
 * the database's cost per device beside the collectors'.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../../../collector/src/store/postgres/migrate.ts';
import {
  startThrowawayCluster,
  type ThrowawayCluster,
} from '../../../collector/src/store/postgres/test-support/throwaway-cluster.ts';
import { type RunningCollector, startCollector } from '../../../test/support/processes.ts';
import { cpuSeconds } from '../deltas.ts';

export type Engine = 'sqlite' | 'pg' | 'pg2';
export const ENGINES: readonly Engine[] = ['sqlite', 'pg', 'pg2'];

export const ENGINE_LABEL: Record<Engine, string> = {
  sqlite: 'SQLite',
  pg: 'PostgreSQL, 1 collector',
  pg2: 'PostgreSQL, 2 collectors',
};

/** `sqlite,pg,pg2` (any of them, in any order) as a list; an error naming what is wrong. */
export function parseEngines(raw: string): Engine[] {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(ENGINES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new Error(`--engines takes ${ENGINES.join(', ')} separated by commas, got "${raw}"`);
  return [...new Set(names)] as Engine[];
}

/**
 * The server settings of the benchmark's cluster, over the throwaway ones the tests use: writes
 * wait on the disk as a real deployment's do (the tests turn that off), shared buffers as
 * Debian's default configuration has them, and pg_stat_statements loaded for the closing profile.
 */
const BENCH_SETTINGS = [
  'fsync=on',
  'synchronous_commit=on',
  'full_page_writes=on',
  'shared_buffers=128MB',
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
  'pg_stat_statements.max=5000',
];

const DATABASE = 'stocktake';

/** A PostgreSQL cluster of the benchmark's own, with one migrated database. */
export interface BenchPostgres {
  url: string;
  cluster: ThrowawayCluster;
  /** CPU seconds (user + system) the server's processes have used, those that ended included. */
  cpuSeconds(): number;
  /** Runs one query on the database. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Forgets pg_stat_statements' figures so far. */
  resetStatements(): Promise<void>;
  /** The statements that took the most time since the last reset. */
  topStatements(limit: number): Promise<StatementFigures[]>;
  stop(): Promise<void>;
}

export interface StatementFigures {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  /** Share of the total time of every statement since the reset. */
  share: number;
}

/**
 * The postmaster's own CPU, its children's that ended (the kernel adds a child's time to its
 * parent's cutime and cstime when the parent waits for it, as the postmaster does for each
 * backend), and the CPU of the children still running.
 */
export function clusterCpuSeconds(dataDirectory: string): number {
  const postmaster = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const stat = (pid: number | string): string[] | undefined => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    } catch {
      return undefined; // ended between the listing and the read: its time is in the postmaster's now
    }
  };
  const own = stat(postmaster);
  if (!own) return Number.NaN;
  const ticks = (fields: string[], from: number, to: number) =>
    fields.slice(from, to + 1).reduce((sum, f) => sum + Number(f), 0);
  // Fields after the command: state is 0, ppid 1, utime 11, stime 12, cutime 13, cstime 14.
  let total = ticks(own, 11, 14);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = stat(entry);
    if (fields && Number(fields[1]) === postmaster) total += ticks(fields, 11, 14);
  }
  return total / 100;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const cluster = await startThrowawayCluster({ settings: BENCH_SETTINGS });
  try {
    const base = { host: cluster.host, port: cluster.port, user: cluster.user };
    const admin = new pg.Client({ ...base, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`create database ${DATABASE}`);
    } finally {
      await admin.end();
    }
    const pool = new pg.Pool({ ...base, database: DATABASE, max: 2, application_name: 'stocktake-bench' });
    await migrateDatabase(pool);
    await pool.query('create extension if not exists pg_stat_statements');
    const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
      (await pool.query<R>(sql, params)).rows;
    return {
      url: `postgres://${encodeURIComponent(cluster.user)}@${cluster.host}:${cluster.port}/${DATABASE}`,
      cluster,
      cpuSeconds: () => clusterCpuSeconds(cluster.dataDirectory),
      query,
      resetStatements: async () => {
        await pool.query('select pg_stat_statements_reset()');
      },
      topStatements: async (limit) => {
        const rows = await query<{
          query: string;
          calls: string;
          total: number;
          mean: number;
          rows: string;
          all: number;
        }>(
          `select query, calls, total_exec_time as total, mean_exec_time as mean, rows,
                  sum(total_exec_time) over () as all
             from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database())
              and query not like '%pg_stat_statements%'
            order by total_exec_time desc`,
        );
        return rows.slice(0, limit).map((r) => ({
          query: r.query.replace(/\s+/g, ' ').trim(),
          calls: Number(r.calls),
          totalMs: r.total,
          meanMs: r.mean,
          rows: Number(r.rows),
          share: r.all > 0 ? r.total / r.all : 0,
        }));
      },
      stop: async () => {
        await pool.end().catch(() => undefined);
        // The server's log (errors such as a deadlock's detail) outlives the cluster, for a look after a failed run.
        const kept = join(tmpdir(), 'stocktake-bench-postgres.log');
        try {
          copyFileSync(join(dirname(cluster.dataDirectory), 'server.log'), kept);
          process.stderr.write(`PostgreSQL's log kept in ${kept}\n`);
        } catch {
          // no log written
        }
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** The collectors of one engine's run, and the database behind them. */
export interface EngineRun {
  engine: Engine;
  /** What `--db` says: the SQLite file, or the PostgreSQL URL. */
  db: string;
  collectors: RunningCollector[];
  /** The collector device i talks to: round-robin over the instances. */
  collectorOf(i: number): RunningCollector;
  /** CPU seconds used by every collector of the run, together. */
  collectorCpuSeconds(): number;
  /** CPU seconds used by the PostgreSQL server; NaN on SQLite. */
  databaseCpuSeconds(): number;
  postgres?: BenchPostgres;
  stop(): Promise<void>;
}

/**
 * Starts the engine's collectors (`serve` with `args`) on a new database: a SQLite file in `dir`,
 * or a new throwaway cluster. The second instance starts once the first has migrated the database.
 */
export async function startEngine(
  engine: Engine,
  dir: string,
  options: { enrollSecret: string; args: string[] },
): Promise<EngineRun> {
  const postgres = engine === 'sqlite' ? undefined : await startBenchPostgres();
  const db = postgres ? postgres.url : join(dir, 'stocktake.db');
  try {
    return await startCollectors(engine, db, postgres, options);
  } catch (err) {
    await postgres?.stop();
    throw err;
  }
}

/** The engine's collectors on a database that is there already (built by the benchmark); stopping them stops `postgres`. */
export async function startCollectors(
  engine: Engine,
  db: string,
  postgres: BenchPostgres | undefined,
  options: { enrollSecret: string; args: string[] },
): Promise<EngineRun> {
  const collectors: RunningCollector[] = [];
  try {
    const instances = engine === 'pg2' ? 2 : 1;
    for (let n = 0; n < instances; n++) {
      collectors.push(
        await startCollector({
          dbPath: db,
          enrollSecret: options.enrollSecret,
          extraArgs: options.args,
          // Other work may hold the cores: starting (and migrating) can then take minutes.
          startTimeoutMs: 300_000,
          // A V8 CPU profile of each collector, written when it stops.
          ...(process.env.STOCKTAKE_BENCH_CPU_PROF
            ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', process.env.STOCKTAKE_BENCH_CPU_PROF] }
            : {}),
        }),
      );
    }
  } catch (err) {
    await Promise.all(collectors.map((c) => c.stop()));
    throw err;
  }
  return {
    engine,
    db,
    collectors,
    collectorOf: (i) => collectors[i % collectors.length] as RunningCollector,
    collectorCpuSeconds: () => collectors.reduce((sum, c) => sum + cpuSeconds(c.process.pid), 0),
    databaseCpuSeconds: () => postgres?.cpuSeconds() ?? Number.NaN,
    ...(postgres ? { postgres } : {}),
    stop: async () => {
      await Promise.all(collectors.map((c) => c.stop()));
      await postgres?.stop();
    },
  };
}

/** Whether this machine has what the PostgreSQL engines need (Debian's server binaries). */
export function postgresAvailable(): boolean {
  return existsSync('/usr/lib/postgresql') || Boolean(process.env.STOCKTAKE_PG_BIN);
}
