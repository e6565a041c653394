/**
 * Reconciliation benchmark: N devices with 500 installed packages each, 1,000 license
 * entitlements and an N-asset register, reconciled by the collector's own engine.
 *
 *   node_modules/.bin/tsx scripts/bench/reconcile.ts [--devices 10000,100000] [--packages 500]
 *     [--licenses 1000] [--keep] [--build-only]
 *   pnpm bench --only reconcile        (10,000 and 100,000 devices)
 *
 * The database is built directly with bulk SQL inserts into the collector's schema (not over
 * HTTP: ingesting 50 million package rows through the API would take hours and measure ingest,
 * which scripts/bench/ingest.ts does). Each reconciliation then runs in a fresh Node process
 * that opens the database like `stocktake-collector reconcile` does, so its peak memory
 * (process.resourceUsage().maxRSS) is the run's alone: the first run links every device to the
 * register and opens every finding; the second is the steady state of a 15-minute schedule.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openCollector, openDatabase, type RunRecord } from '@stocktake/collector';
import { seededRandom } from '@stocktake/shared/testing';
import { type BenchPostgres, type Engine, startBenchPostgres } from './lib/engines.ts';
import { machineLine, ROOT, table } from './lib/report.ts';

const THIS = fileURLToPath(import.meta.url);
const DAY = 86_400_000;

export interface ReconcileBenchOptions {
  sizes: number[];
  packages: number;
  licenses: number;
  keep?: boolean;
  /** Only build the database (kept): for benchmarks that need the fleet, not the runs. */
  buildOnly?: boolean;
  /** The stores, one after the other (default SQLite alone). pg2 is pg here: a run is one instance's, whichever runs it. */
  engines?: readonly Engine[];
}

interface ChildResult {
  run: RunRecord;
  /** Opening the database (migration check included), before the run. */
  openMs: number;
  wallMs: number;
  maxRssMb: number;
  /** The run's process's CPU (user + system) over the run. */
  cpuMs?: number;
}

const BASE_PRODUCTS = 30_000;
/** The collector's by-package index (schema/software.ts), dropped while bulk loading and built after. */
const PACKAGE_INDEX = 'device_software_software_device_idx';
const VERSIONS = ['2019.1', '2021.4', '2023.2'];
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Where the builder's rows go: a SQLite file or a PostgreSQL database, in batches of many rows per statement. */
export interface BulkSink {
  /** Runs SQL that returns nothing (an index dropped or built). */
  exec(sql: string): Promise<void>;
  /** Rows for one table, columns in this order; `add` returns a promise when it wrote a batch. */
  table(name: string, columns: readonly string[]): { add(values: unknown[]): undefined | Promise<void> };
  /** Writes every row buffered. */
  flush(): Promise<void>;
  /** Ends the load (after flush). */
  finish(): Promise<void>;
}

/**
 * SQLite: one transaction for the whole load, no journal, rows inserted by prepared multi-row
 * statements. When one table's buffer is full, every table's is written, in the order the
 * tables were opened (parents first), so a row's foreign keys find their rows.
 */
export function sqliteSink(path: string): BulkSink {
  const { sqlite, close } = openDatabase(path);
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -524288');
  sqlite.exec('BEGIN');
  const flushes: (() => void)[] = [];
  return {
    exec: async (sql) => {
      sqlite.exec(sql);
    },
    table(name, columns) {
      const rows = Math.max(1, Math.floor(500 / columns.length));
      const head = `insert into ${name} (${columns.join(', ')}) values `;
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      const batch = sqlite.prepare(head + Array.from({ length: rows }, () => tuple).join(', '));
      const single = sqlite.prepare(head + tuple);
      const pending: unknown[] = [];
      const flush = () => {
        while (pending.length >= rows * columns.length) batch.run(pending.splice(0, rows * columns.length));
        for (let i = 0; i < pending.length; i += columns.length) single.run(pending.slice(i, i + columns.length));
        pending.length = 0;
      };
      flushes.push(flush);
      return {
        add(values) {
          pending.push(...values);
          if (pending.length >= rows * columns.length) for (const f of flushes) f();
          return undefined;
        },
      };
    },
    flush: async () => {
      for (const flush of flushes) flush();
    },
    finish: async () => {
      sqlite.exec('COMMIT');
      sqlite.pragma('journal_mode = WAL');
      close();
    },
  };
}

/**
 * PostgreSQL: rows buffered per table and inserted by multi-row statements of up to 60,000
 * parameters (the protocol allows 65,535), each committed on its own. When one table's buffer is
 * full, every table's is written, in the order the tables were opened (parents first), so a row's
 * foreign keys find their rows. The identity sequences are then moved past the keys written, so
 * the collector's own inserts follow on.
 */
export function postgresSink(query: (sql: string, params?: unknown[]) => Promise<unknown>): BulkSink {
  const flushes: (() => Promise<void>)[] = [];
  const flushAll = async () => {
    for (const flush of flushes) await flush();
  };
  return {
    exec: async (sql) => {
      await query(sql);
    },
    table(name, columns) {
      const rows = Math.floor(60_000 / columns.length);
      const pending: unknown[] = [];
      const write = async (values: unknown[]) => {
        if (values.length === 0) return;
        const n = values.length / columns.length;
        const tuples = Array.from(
          { length: n },
          (_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
        );
        await query(`insert into ${name} (${columns.join(', ')}) values ${tuples.join(', ')}`, values);
      };
      flushes.push(() => write(pending.splice(0)).then(() => undefined));
      return {
        add(values) {
          pending.push(...values);
          return pending.length >= rows * columns.length ? flushAll() : undefined;
        },
      };
    },
    flush: flushAll,
    finish: async () => {
      for (const [table, column] of [
        ['devices', 'key'],
        ['software_catalog', 'id'],
        ['device_changes', 'id'],
        ['asset_status_events', 'id'],
      ]) {
        await query(
          `select setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((select max(${column}) from ${table}), 0) + 1, false)`,
        );
      }
      await query('analyze');
    },
  };
}

/**
 * Writes the fleet and the register. Open-source packages are drawn with a skew (a few on every
 * machine, most on few); each device also has 10 of the 1,000 commercial products the licenses
 * cover, likewise skewed. Of the register, 92% are devices that report (matched by serial), 8%
 * ghosts; 8% of devices are unregistered. 3% of devices went quiet a week or more ago, 2% over a
 * month ago; patch states, OS versions, warranties and license terms are spread so that every
 * rule fires on part of the fleet.
 */
export async function build(
  sink: BulkSink,
  devices: number,
  packages: number,
  licenseCount: number,
): Promise<{ catalogue: number }> {
  const random = seededRandom(devices);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const commercial = licenseCount;

  // The software catalogue: 30,000 packages × 3 versions, and the commercial products.
  const catalogueId = (product: number, version: number) => product * VERSIONS.length + version + 1;
  const catalogue = sink.table('software_catalog', ['id', 'source', 'name', 'version', 'arch', 'publisher']);
  for (let p = 0; p < BASE_PRODUCTS + commercial; p++) {
    const isCommercial = p >= BASE_PRODUCTS;
    const c = p - BASE_PRODUCTS;
    for (let v = 0; v < VERSIONS.length; v++) {
      await catalogue.add([
        catalogueId(p, v),
        isCommercial ? 'registry' : 'dpkg',
        isCommercial ? `Vendor${c % 97} Product ${c}` : `pkg-${p}`,
        isCommercial ? (VERSIONS[v] as string) : `${1 + (p % 7)}.${v}.${p % 13}`,
        isCommercial ? 'x64' : 'amd64',
        isCommercial ? `Vendor${c % 97} Inc.` : 'Debian Developers',
      ]);
    }
  }
  log(`catalogue: ${(BASE_PRODUCTS + commercial) * VERSIONS.length} versions`);

  const os = (r: number): [string, string, string, string | null] => {
    if (r < 0.35) return ['linux', 'Ubuntu', `22.04.${Math.floor(r * 100) % 5}`, null];
    if (r < 0.5) return ['linux', 'Debian GNU/Linux', `12.${Math.floor(r * 100) % 8}`, null];
    if (r < 0.55) return ['linux', 'Ubuntu', '20.04.6', null];
    if (r < 0.8) return ['windows', 'Windows 11 Pro', '25H2', `26200.${6000 + Math.floor(r * 1000)}`];
    if (r < 0.85) return ['windows', 'Windows 11 Enterprise', '24H2', `26100.${4000 + Math.floor(r * 1000)}`];
    if (r < 0.9) return ['windows', 'Windows 10 Pro', '22H2', '19045.5737'];
    if (r < 0.97) return ['macos', 'macOS', '15.5', '24F74'];
    return ['macos', 'macOS', '13.7.6', '22H625'];
  };

  const installs = new Array<number>(commercial).fill(0);
  await sink.exec(`drop index ${PACKAGE_INDEX}`);
  const started = Date.now();
  const device = sink.table('devices', [
    'key',
    'id',
    'agent_id',
    'hostname',
    'hostname_key',
    'hardware_serial',
    'serial_key',
    'macs',
    'primary_user',
    'vendor',
    'model',
    'os_family',
    'os_name',
    'os_version',
    'os_build',
    'software_count',
    'pending_updates',
    'pending_security_updates',
    'first_seen_at',
    'last_seen_at',
    'last_collected_at',
    'section_status',
    'patches',
  ]);
  const change = sink.table('device_changes', [
    'device_key',
    'observed_at',
    'recorded_at',
    'snapshot_id',
    'kind',
    'subject',
    'before',
    'after',
  ]);
  const software = sink.table('device_software', ['device_key', 'software_id']);
  for (let k = 1; k <= devices; k++) {
    const r = random();
    const lastSeen =
      r < 0.95 ? now - random() * DAY : r < 0.98 ? now - (7 + random() * 20) * DAY : now - (31 + random() * 60) * DAY;
    const [family, name, version, buildNo] = os(random());
    const security = random() < 0.2 ? 1 + Math.floor(random() * 15) : 0;
    const pendingCount = security + (random() < 0.5 ? Math.floor(random() * 30) : 0);
    const lastChange = now - random() * 60 * DAY;
    const patches = {
      pendingCount,
      pendingSecurityCount: security,
      lastPackageChange: iso(lastChange),
      ...(security > 0 && random() < 0.5 ? { oldestPendingSecuritySince: iso(now - random() * 30 * DAY) } : {}),
      pending: Array.from({ length: pendingCount }, (_, i) => ({
        name: `pkg-${(k * 31 + i * 17) % BASE_PRODUCTS}`,
        availableVersion: '2.0.1',
        security: i < security,
      })),
    };
    await device.add([
      k,
      `dev-${k}`,
      null,
      `ws-${k}`,
      `ws-${k}`,
      `SN${k}`,
      `SN${k}`,
      '[]',
      random() < 0.8 ? `user${Math.floor(random() * devices * 0.9)}` : null,
      'Dell Inc.',
      'Latitude 7440',
      family,
      name,
      version,
      buildNo,
      packages,
      pendingCount,
      security,
      iso(now - 400 * DAY),
      iso(lastSeen),
      iso(lastSeen),
      '{}',
      JSON.stringify(patches),
    ]);
    await change.add([
      k,
      iso(now - 400 * DAY),
      iso(now - 400 * DAY),
      `snap-${k}-0`,
      'first_seen',
      `ws-${k}`,
      null,
      null,
    ]);
    if (random() < 0.005) {
      const removed = {
        kind: 'memory',
        key: `serial:M${k}-2`,
        label: 'DIMM 2',
        serial: `M${k}-2`,
        sizeBytes: 8 << 30,
      };
      await change.add([
        k,
        iso(now - 3 * DAY),
        iso(now - 3 * DAY),
        `snap-${k}-1`,
        'hardware_removed',
        'memory DIMM 2',
        JSON.stringify(removed),
        null,
      ]);
    }
    const chosen = new Set<number>();
    while (chosen.size < 10) chosen.add(BASE_PRODUCTS + Math.floor(commercial * random() ** 2));
    while (chosen.size < packages) chosen.add(Math.floor(BASE_PRODUCTS * random() ** 3));
    const ids: number[] = [];
    for (const p of chosen) {
      ids.push(catalogueId(p, Math.floor(random() * VERSIONS.length)));
      if (p >= BASE_PRODUCTS) installs[p - BASE_PRODUCTS] = (installs[p - BASE_PRODUCTS] ?? 0) + 1;
    }
    ids.sort((a, b) => a - b);
    for (const id of ids) {
      const written = software.add([k, id]);
      if (written) await written;
    }
    if (k % 20_000 === 0) log(`devices: ${k} (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  const asset = sink.table('assets', [
    'id',
    'asset_tag',
    'serial',
    'serial_key',
    'status',
    'assignee_username',
    'warranty_end',
    'locked_fields',
    'created_at',
    'updated_at',
  ]);
  const event = sink.table('asset_status_events', [
    'asset_id',
    'from_status',
    'to_status',
    'at',
    'actor',
    'correction',
  ]);
  const registered = Math.floor(devices * 0.92);
  for (let i = 1; i <= devices; i++) {
    const serial = i <= registered ? `SN${i}` : `GHOST${i}`;
    const r = random();
    const status = r < 0.97 ? 'deployed' : r < 0.98 ? 'in_stock' : r < 0.99 ? 'retired' : 'in_repair';
    const created = iso(now - 700 * DAY);
    const warranty = new Date(now + (random() * 6 - 3) * 365 * DAY).toISOString().slice(0, 10);
    await asset.add([`asset-${i}`, `LT-${i}`, serial, serial, status, `user${i}`, warranty, '[]', created, created]);
    await event.add([`asset-${i}`, null, status, status === 'retired' ? iso(now - 30 * DAY) : created, 'bench', 0]);
  }
  const license = sink.table('licenses', [
    'id',
    'product',
    'publisher',
    'name_pattern',
    'publisher_pattern',
    'version_range',
    'metric',
    'seats',
    'term_end',
    'order_number',
    'created_at',
    'updated_at',
  ]);
  for (let c = 0; c < licenseCount; c++) {
    const used = installs[c] ?? 0;
    const seats = Math.max(1, Math.round(used * (0.6 + random())));
    const term = new Date(now + (random() * 2 - 0.5) * 365 * DAY).toISOString().slice(0, 10);
    await license.add([
      `license-${c}`,
      `Vendor${c % 97} Product ${c}`,
      `Vendor${c % 97} Inc.`,
      c % 3 === 0 ? `vendor${c % 97} product ${c}*` : `Vendor${c % 97} Product ${c}`,
      c % 2 === 0 ? `Vendor${c % 97}*` : null,
      c % 4 === 0 ? '>=2021' : null,
      c % 5 === 0 ? 'per_user' : 'per_device',
      seats,
      term,
      '',
      iso(now),
      iso(now),
    ]);
  }
  await sink.flush();
  log('indexing device_software by package');
  await sink.exec(`create index ${PACKAGE_INDEX} on device_software (software_id, device_key)`);
  await sink.finish();
  return { catalogue: (BASE_PRODUCTS + commercial) * VERSIONS.length };
}

async function databaseSize(postgres: BenchPostgres): Promise<number> {
  const [row] = await postgres.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
  return Number(row?.bytes);
}

/** One reconciliation in a fresh process, as `stocktake-collector reconcile` runs it. */
function runChild(dbPath: string): ChildResult {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), THIS, '--child', dbPath],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out) as ChildResult;
}

async function child(dbPath: string): Promise<void> {
  const opening = performance.now();
  const collector = await openCollector({ dbPath });
  const openMs = performance.now() - opening;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const run = await collector.services.reconciliation.run({ trigger: 'cli', actor: 'bench' });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await collector.close();
  const result: ChildResult = {
    run,
    openMs,
    wallMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (used.user + used.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(2);

export async function reconcileBench(opts: ReconcileBenchOptions): Promise<string> {
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const engines = [...new Set((opts.engines ?? ['sqlite']).map((e) => (e === 'pg2' ? 'pg' : e)))];
  for (const size of opts.sizes)
    for (const engine of engines) {
      const dir = mkdtempSync(join(tmpdir(), 'stocktake-reconcile-'));
      const postgres = engine === 'sqlite' ? undefined : await startBenchPostgres();
      const db = postgres ? postgres.url : join(dir, 'stocktake.db');
      try {
        log(`building ${fmt(size)} devices × ${opts.packages} packages, ${fmt(opts.licenses)} licenses on ${engine}`);
        const t0 = performance.now();
        const built = await build(
          postgres ? postgresSink(postgres.query) : sqliteSink(db),
          size,
          opts.packages,
          opts.licenses,
        );
        const buildS = (performance.now() - t0) / 1000;
        const dbBytes = postgres ? await databaseSize(postgres) : statSync(db).size;
        log(`built in ${buildS.toFixed(0)} s, ${(dbBytes / 1024 ** 3).toFixed(2)} GiB`);
        if (opts.buildOnly) continue;
        const runs: [string, () => ChildResult][] = [
          ['first', () => runChild(db)],
          ['steady', () => runChild(db)],
        ];
        for (const [label, go] of runs) {
          const before = loadavg()[0] ?? 0;
          const dbCpu = postgres?.cpuSeconds() ?? Number.NaN;
          const result = go();
          const dbCpuS = (postgres?.cpuSeconds() ?? Number.NaN) - dbCpu;
          const r = result.run;
          if (r.status !== 'succeeded') throw new Error(`run failed: ${r.error}`);
          const t = r.counts?.totals;
          const phases = r.phases ?? {};
          const match = phases.match ?? 0;
          rows.push([
            fmt(size),
            engine,
            label,
            secs(r.durationMs ?? result.wallMs),
            secs(match),
            secs((r.durationMs ?? 0) - match),
            Math.round(result.maxRssMb),
            result.cpuMs === undefined ? '' : secs(result.cpuMs),
            Number.isFinite(dbCpuS) ? dbCpuS.toFixed(2) : '–',
            secs(result.openMs),
            Object.entries(phases)
              .filter(([k]) => k !== 'match')
              .map(([k, v]) => `${k} ${secs(v)}`)
              .join(', '),
            t ? `${fmt(t.opened)} / ${fmt(t.resolved)} / ${fmt(t.open)}` : '',
            `${before.toFixed(1)}–${(loadavg()[0] ?? 0).toFixed(1)}`,
          ]);
          log(`${label} run: ${secs(r.durationMs ?? 0)} s (match ${secs(match)} s), ${Math.round(result.maxRssMb)} MB`);
          if (label === 'first' && engine === engines[0]) {
            const byType = Object.entries(r.counts?.byType ?? {})
              .map(([k, c]) => `${k} ${fmt(c.open)}`)
              .join(', ');
            notes.push(
              `${fmt(size)} devices: ${fmt(size * opts.packages)} installs over ${fmt(built.catalogue)} catalogue versions, ` +
                `database ${(dbBytes / 1024 ** 3).toFixed(2)} GiB built in ${buildS.toFixed(0)} s; findings: ${byType}.`,
            );
          }
        }
      } finally {
        await postgres?.stop();
        if (!opts.keep || postgres) rmSync(dir, { recursive: true, force: true });
        else log(`kept ${db}`);
      }
    }
  return [
    '## Reconciliation',
    '',
    machineLine(),
    '',
    `N devices with ${opts.packages} packages each (10 of them among the ${fmt(opts.licenses)} licensed products), ` +
      `${fmt(opts.licenses)} license entitlements (a fifth per user, a quarter with a version range, a third with a glob) ` +
      'and an N-asset register (8% ghosts, 8% of devices unregistered), written with bulk SQL inserts into the ' +
      "collector's schema, not through the API. Each run is a fresh process opening the database as " +
      '`stocktake-collector reconcile` does; its time is the run as recorded (without opening the database), its ' +
      "peak memory that process's maxRSS (Node and its modules included); *open* is opening the database before the " +
      'run. *matching* is the matcher run over every device (the first run links them all and writes an audit ' +
      'entry per link); *findings* is the rest of the run: reading the facts, the rules, license counting, and writing ' +
      'findings. The steady run is what each scheduled run costs when nothing changed. Load average is that of the ' +
      'machine before and after the run (other work shared its 2 cores). Engines: **sqlite**, the file; **pg**, a PostgreSQL 15 ' +
      "throwaway cluster of the benchmark's own (as in the ingest section), the same rows written by multi-row inserts, then ANALYZE; " +
      'a run is one process whichever instance holds the lease, so two instances (pg2) cost what one does. *Collector CPU* ' +
      "is the run's process's user + system time over the run; *PostgreSQL CPU* that of the server's processes. " +
      'Target: under 10 s and 1 GB at 100,000 devices.',
    '',
    table(
      [
        'devices',
        'engine',
        'run',
        'total (s)',
        'matching (s)',
        'findings (s)',
        'peak RSS (MB)',
        'collector CPU (s)',
        'PostgreSQL CPU (s)',
        'open (s)',
        'findings phases (s)',
        'opened / resolved / open',
        'load avg',
      ],
      rows,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    'Reproduce: `pnpm bench --only reconcile --engines sqlite,pg` (or `tsx scripts/bench/reconcile.ts --devices 10000`).',
  ].join('\n');
}

if (process.argv[1] === THIS) {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      devices: { type: 'string', default: '10000' },
      packages: { type: 'string', default: '500' },
      licenses: { type: 'string', default: '1000' },
      keep: { type: 'boolean', default: false },
      'build-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: tsx scripts/bench/reconcile.ts [--devices N[,N]] [--packages 500] [--licenses 1000] [--keep] [--build-only]\n',
    );
  } else if (values.child) {
    await child(values.child);
  } else {
    const sizes = values.devices.split(',').map(Number);
    const packages = Number(values.packages);
    const licenses = Number(values.licenses);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(packages >= 20) || !(licenses >= 1)) {
      process.stderr.write('--devices, --packages (≥ 20) and --licenses must be positive whole numbers\n');
      process.exit(64);
    }
    const buildOnly = values['build-only'];
    const report = await reconcileBench({ sizes, packages, licenses, keep: values.keep || buildOnly, buildOnly });
    if (!buildOnly) process.stdout.write(`${report}\n`);
  }
}
