/**
 * Start-up check benchmark: what SQLite's quick_check costs the collector at every start, on a
 * big database. The database comes from reconcile.ts's bulk builder (as for the api benchmark):
 * N devices with 500 packages each, an N-asset register, 1,000 licenses, findings.
 *
 *   pnpm bench --only startup-check [--size 100000] [--runs 3]
 *
 * Timed on the same file, one after another: quick_check (what every start runs), the whole
 * open (quick_check, schema version, migrations, the readiness write), and integrity_check
 * once, which also checks that every index matches its table, for comparison. The file is in
 * the OS page cache after the first read, so the figures are for a warm cache; a cold start
 * adds reading the file once from disk.
 */
import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '@stocktake/collector';
import { buildDatabase } from './api.ts';
import { sourceLine } from './deltas.ts';
import { median } from './lib/measure.ts';
import { machineLine, table } from './lib/report.ts';

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export interface StartupCheckBenchOptions {
  devices: number;
  runs: number;
}

function seconds(work: () => void): number {
  const t = performance.now();
  work();
  return (performance.now() - t) / 1000;
}

export async function startupCheckBench(opts: StartupCheckBenchOptions): Promise<string> {
  const sources = sourceLine();
  log(`startup-check: building ${opts.devices.toLocaleString('en-US')} devices with reconcile.ts's builder`);
  const { path } = await buildDatabase(opts.devices);
  try {
    const bytes = statSync(path).size;
    const quick: number[] = [];
    const opens: number[] = [];
    let integrity = Number.NaN;
    for (let run = 0; run < opts.runs; run++) {
      opens.push(seconds(() => openDatabase(path).close()));
      const db = openDatabase(path);
      try {
        quick.push(
          seconds(() => {
            const result = db.sqlite.pragma('quick_check', { simple: true });
            if (result !== 'ok') throw new Error(`quick_check: ${String(result)}`);
          }),
        );
        if (run === 0) integrity = seconds(() => db.sqlite.pragma('integrity_check', { simple: true }));
      } finally {
        db.close();
      }
      log(`run ${run + 1}: open ${opens.at(-1)?.toFixed(1)} s, quick_check ${quick.at(-1)?.toFixed(1)} s`);
    }
    const gib = bytes / 1024 ** 3;
    const quickS = median(quick);
    return [
      '## Start-up checks (quick_check)',
      '',
      `${machineLine()}. ${sources} Median of ${opts.runs} runs on one file, warm page cache.`,
      '',
      table(
        ['devices', 'file', 'quick_check', 'read rate', 'whole open', 'integrity_check (not run at start)'],
        [
          [
            opts.devices.toLocaleString('en-US'),
            `${gib.toFixed(2)} GiB`,
            `${quickS.toFixed(1)} s`,
            `${(bytes / 1024 ** 2 / quickS).toFixed(0)} MiB/s`,
            `${median(opens).toFixed(1)} s`,
            `${integrity.toFixed(1)} s`,
          ],
        ],
      ),
      '',
      'Every start of `stocktake-collector` (the server and each admin command) runs quick_check before using',
      'the file: it reads every page once, so its cost grows with the file, and a cold start adds reading',
      'the file from disk once.',
    ].join('\n');
  } finally {
    rmSync(dirname(path), { recursive: true, force: true });
  }
}
