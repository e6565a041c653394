/**
 * `pnpm bench --only console [--size N]`: the web console at fleet size, in Debian's Chromium
 * (playwright-core), against the collector executable on a database of N devices (default
 * 100,000). Timed in the page through the browser's Performance API:
 * - first page: from navigation start to the device list's first page of rows on screen;
 * - filter change: from choosing another OS family to the new rows on screen (the API call and
 *   the render), alternating linux, windows and macos.
 * Targets: first page under 1 s, a filter change under 300 ms.
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

function createUser(dbPath: string): string {
  const out = execFileSync(
    process.execPath,
    [COLLECTOR_BIN, 'user', 'create', '--name', 'bench-admin', '--role', 'admin', '--db', dbPath],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out.trim();
}

/** Navigation start to the first page of devices drawn, as the page's clock says. */
async function firstPage(page: Page, url: string): Promise<number> {
  await page.goto(`${url}/devices`);
  // Checked every frame from the load event on; rows already drawn by then count at that frame (an overestimate).
  return (await page.evaluate(
    "new Promise((done) => { const c = () => (document.querySelectorAll('tbody tr td a').length > 0 ? done(performance.now()) : requestAnimationFrame(c)); c(); })",
  )) as number;
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
  return performance.now() - t0;
}`;

async function filterChange(page: Page, family: string): Promise<number> {
  return (await page.evaluate(`(${FILTER_CHANGE})(${JSON.stringify(family)})`)) as number;
}

export async function consoleBench(opts: ConsoleBenchOptions): Promise<string> {
  const built = await buildConsole();
  process.stderr.write(`console: building a database of ${opts.devices} devices\n`);
  const { path: dbPath } = await buildDatabase(opts.devices);
  const dbBytes = statSync(dbPath).size;
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
    const first: number[] = [];
    for (let i = 0; i < opts.runs; i++) first.push(await firstPage(page, collector.url));
    const filters: number[] = [];
    for (let i = 0; i < opts.runs * FAMILIES.length; i++) {
      filters.push(await filterChange(page, FAMILIES[(i + 1) % FAMILIES.length] as string));
    }
    const rows = [
      [
        'device list, first page (navigation start → rows drawn)',
        ms(percentile(first, 50)),
        ms(percentile(first, 95)),
        '< 1 s',
      ],
      [
        'device list, OS family filter changed → rows drawn',
        ms(percentile(filters, 50)),
        ms(percentile(filters, 95)),
        '< 300 ms',
      ],
    ];
    return [
      `### Web console (${opts.devices.toLocaleString('en')} devices)`,
      '',
      machineLine(),
      '',
      `Chromium (${browser.version()}) through playwright-core against the collector executable on a ${(dbBytes / 2 ** 30).toFixed(2)} GiB SQLite database; timed in the page with the Performance API, ${first.length} first loads and ${filters.length} filter changes. First-load JavaScript: ${(built.scriptBytes / 1024).toFixed(1)} KiB, ${(built.scriptGzipBytes / 1024).toFixed(1)} KiB gzipped (budget 250 KiB).`,
      '',
      table(['measure', 'median', 'p95', 'target'], rows),
    ].join('\n');
  } finally {
    await browser.close();
    await collector?.stop();
    rmSync(dirname(dbPath), { recursive: true, force: true });
  }
}
