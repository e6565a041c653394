/**
 * Snapshot retention benchmark: what thinning costs (snapshotStore.thin, run by the retention
 * schedule every hour). N devices, each with a real first snapshot ingested by the collector,
 * then an hourly history copied from it by SQL (ingesting millions of unchanged snapshots
 * through the API would measure ingest, which scripts/bench/ingest.ts does). One device in ten
 * changed its software for ten of those hours and changed back.
 *
 *   node_modules/.bin/tsx scripts/bench/retention.ts [--devices 20000] [--hours 72]
 *   pnpm bench --only retention [--size N]
 *
 * Timed: the first pass over the whole history past the 24-hour cutoff (a collector upgraded
 * to thinning, or back after a stop), then hourly passes, each with one more hour of history
 * past the cutoff. Checked: nothing a device said is lost (every distinct device, day and
 * section data survives), and a second pass finds nothing more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openCollector, sqliteInside } from '@stocktake/collector';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { sourceLine } from './deltas.ts';
import { median } from './lib/measure.ts';
import { machineLine, table } from './lib/report.ts';

const HOUR = 3_600_000;
const HOURLY_PASSES = 5;
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export interface RetentionBenchOptions {
  devices: number;
  hours: number;
}

interface Pass {
  deleted: number;
  wallMs: number;
  cpuMs: number;
}

function timed(work: () => { snapshots: number }): Pass {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const { snapshots } = work();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { deleted: snapshots, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export async function retentionBench(opts: RetentionBenchOptions): Promise<string> {
  const sources = sourceLine();
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-bench-retention-'));
  try {
    const collector = await openCollector({ dbPath: join(dir, 'stocktake.db') });
    const { agents } = collector.stores;
    const { sqlite, devicesRepository, snapshotStore } = sqliteInside(collector.stores);
    const now = new Date();
    const lists = [0, 1].map((v) => Array.from({ length: 40 }, (_, i) => dpkgItem(`pkg-${i}`, `1.${v}`)));

    log(`ingesting one snapshot for each of ${opts.devices} devices`);
    const BATCH = 1000;
    for (let from = 0; from < opts.devices; from += BATCH) {
      // One transaction a batch, as before the ports were async: the engine is SQLite here.
      sqlite.exec('BEGIN');
      for (let i = from; i < Math.min(opts.devices, from + BATCH); i++) {
        const hostname = `ws-${String(i).padStart(6, '0')}`;
        const { agentId, agentToken } = await agents.enrol({ hostname, version: '0.1.0', platform: 'linux' });
        const agent = await agents.findByToken(agentToken);
        if (!agent) throw new Error(`agent ${i} not stored`);
        const snapshot = makeSnapshot({ agentId, hostname, serial: `SN${i}`, software: lists[i % 2], at: now });
        const hashes = Object.fromEntries(Object.entries(snapshot.sections).map(([k, s]) => [k, s.hash]));
        devicesRepository.ingest(agent, snapshot, hashes, now);
      }
      sqlite.exec('COMMIT');
    }

    log(`copying ${opts.hours - 1} hours of history per device`);
    const [a, b] = (
      sqlite.prepare('select distinct software_data as id from snapshots order by 1').all() as { id: number }[]
    ).map((r) => r.id);
    if (a === undefined || b === undefined) throw new Error('expected two software lists');
    // Hours 1..hours-1 before the real snapshot, which stays each device's latest.
    sqlite
      .prepare(
        `with recursive h(n) as (select 1 union all select n + 1 from h where n < ?)
         insert into snapshots (id, device_key, agent_id, collected_at, received_at, size_bytes, envelope,
           hardware_data, os_data, software_data, patches_data, users_data)
         select s.id || ':' || h.n, s.device_key, s.agent_id,
           strftime('%Y-%m-%dT%H:%M:%fZ', s.collected_at, '-' || h.n || ' hours'),
           strftime('%Y-%m-%dT%H:%M:%fZ', s.received_at, '-' || h.n || ' hours'),
           s.size_bytes, s.envelope, s.hardware_data, s.os_data,
           case when s.device_key % 10 = 0 and h.n between 30 and 39
             then (case when s.software_data = ? then ? else ? end) else s.software_data end,
           s.patches_data, s.users_data
         from snapshots s, h`,
      )
      .run(opts.hours - 1, a, b, a);

    const count = (sql: string, ...params: unknown[]) => (sqlite.prepare(sql).get(...params) as { n: number }).n;
    const rows = () => count('select count(*) as n from snapshots');
    const distinctSaid = () =>
      count(`select count(*) as n from (select distinct device_key, substr(received_at, 1, 10), hardware_data,
        os_data, software_data, patches_data, users_data from snapshots)`);
    const before = { rows: rows(), said: distinctSaid() };
    log(`${before.rows} snapshots stored`);

    const cutoff = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
    log('first pass');
    const first = timed(() => snapshotStore.thin(cutoff(24)));
    const hourly: Pass[] = [];
    for (let k = 1; k <= HOURLY_PASSES; k++) hourly.push(timed(() => snapshotStore.thin(cutoff(24 - k))));
    const after = { rows: rows(), said: distinctSaid() };
    const again = snapshotStore.thin(cutoff(24 - HOURLY_PASSES)).snapshots;
    if (after.said !== before.said) {
      throw new Error(`thinning lost what devices said: ${before.said} distinct reports before, ${after.said} after`);
    }
    if (again !== 0) throw new Error(`a second pass deleted ${again} more snapshots`);
    await collector.close();

    const fmt = (n: number, digits = 0) =>
      n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    const perDevice = (n: number) => fmt(n / opts.devices, 1);
    const hourlyMedian = median(hourly.map((p) => p.wallMs));
    const hourlyCpu = median(hourly.map((p) => p.cpuMs));
    return [
      '## Snapshot retention: thinning',
      '',
      `${fmt(opts.devices)} devices, each with one real snapshot ingested by the collector and ${opts.hours} hours of hourly history copied from it (one device in ten changed its software for ten hours and changed back); thinning after 24 hours (\`--snapshot-thin-after-hours\`, the default). The first pass thins everything past the cutoff at once, as after an upgrade or a stop; each hourly pass has one more hour of history past the cutoff, as the retention schedule sees it. Checked: every distinct device, day and section data survives (${fmt(after.said)} before and after), and a further pass deletes nothing. ${machineLine()}; ${sources}`,
      '',
      table(
        ['pass', 'snapshots before', 'deleted', 'wall s', 'CPU s', 'per device ms'],
        [
          [
            'first',
            fmt(before.rows),
            fmt(first.deleted),
            fmt(first.wallMs / 1000, 2),
            fmt(first.cpuMs / 1000, 2),
            fmt(first.wallMs / opts.devices, 3),
          ],
          [
            `hourly (median of ${HOURLY_PASSES})`,
            fmt(before.rows - first.deleted),
            fmt(median(hourly.map((p) => p.deleted))),
            fmt(hourlyMedian / 1000, 2),
            fmt(hourlyCpu / 1000, 2),
            fmt(hourlyMedian / opts.devices, 3),
          ],
        ],
      ),
      '',
      `Snapshots per device: ${perDevice(before.rows)} before, ${perDevice(after.rows)} after (every change and the first of each day it reported, and everything younger than the last pass's cutoff).`,
      '',
      `Reproduce: \`pnpm bench --only retention --size ${opts.devices}\`.`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { devices: { type: 'string', default: '20000' }, hours: { type: 'string', default: '72' } },
  });
  process.stdout.write(`${await retentionBench({ devices: Number(values.devices), hours: Number(values.hours) })}\n`);
}
