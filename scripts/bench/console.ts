/**
 * `pnpm bench --only console [--size N]`: the web console at fleet size, in Debian's Chromium
 * (playwright-core), against the collector executable on a database of N devices (default
 * 100,000). Timed in the page through the browser's Performance API:
 * - first page: from navigation start to the device list's first page of rows on screen;
 * - filter change: from choosing another OS family to the new rows on screen (the API call and
 *   the render), alternating linux, windows and macos.
 * Targets: first page under 1 s, a filter change under 300 ms.
 *
 * The fleet comes from reconcile.ts's bulk builder with 20 packages a device (the device list
 * reads none of them; 500 would take minutes to write), then one reconciliation links the
 * devices to the register as a collector's would, so the list joins real links. The collector's
 * own time for each list call (its access log's responseTime) is printed beside the browser's.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildConsole } from '@stocktake/console/build';
import { chromium, type Page } from 'playwright-core';
import { COLLECTOR_BIN, type RunningCollector, startCollector } from '../../test/support/processes.ts';
import { buildDatabase } from './api.ts';
import { machineLine, table } from './lib/report.ts';

export interface ConsoleBenchOptions {
  devices: number;
  runs: number;
}

const CHROMIUM = process.env.STOCKTAKE_CHROMIUM ?? '/usr/bin/chromium';
const FAMILIES = ['linux', 'windows', 'macos'] as const;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function createUser(dbPath: string): string {
  const out = execFileSync(
    process.execPath,
    [COLLECTOR_BIN, 'user', 'create', '--name', 'bench-admin', '--role', 'admin', '--db', dbPath],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out.trim();
}

/** A time in the page, and the list call's wait for the collector's answer (request sent → first byte). */
interface Timed {
  ms: number;
  serverMs: number;
}

/** The device list call's wait on the collector, from the page's resource timings. */
const SERVER_WAIT = `(match) => {
  const e = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/devices?') && r.name.includes(match)).pop();
  return e ? e.responseStart - e.requestStart : NaN;
}`;

/** Navigation start to the first page of devices drawn, as the page's clock says. */
async function firstPage(page: Page, url: string): Promise<Timed> {
  await page.goto(`${url}/devices`);
  // Checked every frame from the load event on; rows already drawn by then count at that frame (an overestimate).
  return (await page.evaluate(
    `new Promise((done) => { const c = () => (document.querySelectorAll('tbody tr td a').length > 0 ? done({ ms: performance.now(), serverMs: (${SERVER_WAIT})('limit=') }) : requestAnimationFrame(c)); c(); })`,
  )) as Timed;
}

/**
 * Choosing another OS family to its rows drawn: the list's API call has answered and no page is
 * loading. Sent as text: the page must not receive helpers the TypeScript loader adds to functions.
 */
const FILTER_CHANGE = `async (value) => {
  const select = [...document.querySelectorAll('select')].find((s) => s.labels?.[0]?.textContent === 'OS family');
  if (!select) throw new Error('no OS family filter on the page');
  performance.clearResourceTimings();
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((done) => {
    const check = () => {
      const answered = performance
        .getEntriesByType('resource')
        .some((e) => e.name.includes('/api/v1/devices?') && e.name.includes('osFamily=' + value));
      const loading = document.querySelector('main p.muted[aria-live]');
      if (answered && !loading && document.querySelector('tbody tr td a')) done();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  return { ms: performance.now() - t0, serverMs: (${SERVER_WAIT})('osFamily=' + value) };
}`;

async function filterChange(page: Page, family: string): Promise<Timed> {
  return (await page.evaluate(`(${FILTER_CHANGE})(${JSON.stringify(family)})`)) as Timed;
}

export async function consoleBench(opts: ConsoleBenchOptions): Promise<string> {
  const built = await buildConsole();
  log(`console: building a database of ${opts.devices} devices`);
  const { path: dbPath } = await buildDatabase(opts.devices, { packages: 20, buildOnly: true });
  const dbBytes = statSync(dbPath).size;
  log('console: linking the fleet to the register (one reconciliation)');
  execFileSync(process.execPath, [COLLECTOR_BIN, 'reconcile', '--db', dbPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let collector: RunningCollector | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const password = createUser(dbPath);
    collector = await startCollector({
      dbPath,
      enrollSecret: 'bench-enroll-secret',
      extraArgs: ['--log-level', 'warn', '--reconcile-cron', 'off', '--rate-limit', '0'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.request.post(`${collector.url}/api/v1/session`, {
      data: { name: 'bench-admin', password },
    });
    if (!login.ok()) throw new Error(`login: HTTP ${login.status()} ${await login.text()}`);
    const page = await context.newPage();
    await firstPage(page, collector.url); // warm the collector's caches and the browser's
    const first: Timed[] = [];
    for (let i = 0; i < opts.runs; i++) first.push(await firstPage(page, collector.url));
    const filters: Timed[] = [];
    for (let i = 0; i < opts.runs * FAMILIES.length; i++) {
      filters.push(await filterChange(page, FAMILIES[(i + 1) % FAMILIES.length] as string));
    }
    const row = (label: string, timed: Timed[], target: string) => {
      const page = timed.map((t) => t.ms);
      const server = timed.map((t) => t.serverMs);
      return [
        label,
        ms(percentile(page, 50)),
        ms(percentile(page, 95)),
        `${ms(percentile(server, 50))} / ${ms(percentile(server, 95))}`,
        target,
      ];
    };
    const rows = [
      row('device list, first page (navigation start → rows drawn)', first, '< 1 s'),
      row('device list, OS family filter changed → rows drawn', filters, '< 300 ms'),
    ];
    return [
      `### Web console (${opts.devices.toLocaleString('en')} devices)`,
      '',
      machineLine(),
      '',
      `Chromium (${browser.version()}) through playwright-core against the collector executable on a ${(dbBytes / 2 ** 30).toFixed(2)} GiB SQLite database; timed in the page with the Performance API (the collector wait is the list call's request sent → first byte, from its resource timing), ${first.length} first loads and ${filters.length} filter changes. First-load JavaScript: ${(built.scriptBytes / 1024).toFixed(1)} KiB, ${(built.scriptGzipBytes / 1024).toFixed(1)} KiB gzipped (budget 250 KiB).`,
      '',
      table(['measure', 'median', 'p95', 'collector wait, median / p95', 'target'], rows),
    ].join('\n');
  } finally {
    await browser.close();
    await collector?.stop();
    rmSync(dirname(dbPath), { recursive: true, force: true });
  }
}
