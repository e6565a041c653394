/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core, against the
 * real collector executable on 127.0.0.1 with snapshots from real agent processes. Each step
 * runs axe-core on its page and saves a screenshot of it to docs/screenshots/, the README's
 * pictures (or to the folder STOCKTAKE_SCREENSHOTS names).
 */

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import {
  type ApiTokenList,
  AssetCreateSchema,
  type AssetDetail,
  type DeviceDetail,
  type DevicePage,
  type Finding,
  type FindingPage,
  type ReconciliationRun,
  type RunPage,
  type StoredPolicy,
} from '@stocktake/shared/api';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, apiHeaders, HostFixture, writeAgentConfig } from '../support/agent-service.ts';
import { type RunningCollector, runCollector, startCollector, tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/**
 * Where the screenshots go: the README's pictures, so that every run shows the pages as they are
 * now. A run that should leave the tracked ones alone names another folder.
 */
const SCREENSHOTS = resolve(ROOT, process.env.STOCKTAKE_SCREENSHOTS || 'docs/screenshots');
const CHROMIUM = process.env.STOCKTAKE_CHROMIUM ?? '/usr/bin/chromium';
const SECRET = 'console-e2e-enroll-secret';
const APT_CAPTURE = join(ROOT, 'agent', 'src', 'collectors', 'apt-updates', 'fixtures', 'debian-12-security.txt');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const dir = tempDir('stocktake-console-e2e-');
const dbPath = join(dir.path, 'stocktake.db');
let collector: RunningCollector;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let api: Record<string, string>;
const agents: AgentProcess[] = [];
const passwords: Record<string, string> = {};
/** What the page's Content-Security-Policy refused, if anything: nothing should be. */
const refusedByCsp: string[] = [];

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${collector.url}${path}`, {
    method,
    headers: { ...api, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A machine for a real agent (`stocktake-agent run`, its live channel open) to inventory; with
 * `aptCapture`, apt answers that capture of a Debian 12 machine's pending updates.
 */
async function reportMachine(name: string, serial: string, aptCapture?: string): Promise<void> {
  const host = new HostFixture(join(dir.path, name), { packages: 40, serial, uuid: randomUUID() });
  host.install('openssl', '3.0.11-1~deb12u2');
  // openssl's program, listed as dpkg lists it, is run once: its access time is its last use.
  const program = join(host.root, 'usr', 'bin', 'openssl');
  mkdirSync(join(host.root, 'var', 'lib', 'dpkg', 'info'), { recursive: true });
  mkdirSync(dirname(program), { recursive: true });
  writeFileSync(
    join(host.root, 'var', 'lib', 'dpkg', 'info', 'openssl.list'),
    '/.\n/usr\n/usr/bin\n/usr/bin/openssl\n',
  );
  writeFileSync(program, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  await new Promise((r) => setTimeout(r, 20));
  execFileSync(program);
  const env: NodeJS.ProcessEnv = {};
  if (aptCapture) {
    mkdirSync(join(host.root, 'usr', 'bin'), { recursive: true });
    mkdirSync(join(host.root, 'etc', 'apt'), { recursive: true });
    writeFileSync(join(host.root, 'usr', 'bin', 'apt-get'), '');
    const bin = join(dir.path, `${name}-bin`);
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\ncat '${aptCapture}'\n`);
    chmodSync(join(bin, 'apt-get'), 0o755);
    env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  }
  const config = writeAgentConfig(join(dir.path, `${name}.json`), {
    server: collector.url,
    enrollSecret: SECRET,
    stateDir: join(dir.path, `${name}-state`),
    hostRoot: host.root,
    // The start-up run and refresh requests take inventories; heartbeats keep it online.
    schedule: { inventory: '0 0 1 1 *', splaySeconds: 0, heartbeatSeconds: 2 },
    retry: { minSeconds: 0.2, maxSeconds: 1 },
  });
  const agent = new AgentProcess(config, env);
  agents.push(agent);
  await agent.waitFor('snapshot delivered');
}

async function makeUser(name: string, role: 'admin' | 'reader'): Promise<void> {
  const made = await runCollector(['user', 'create', '--db', dbPath, '--name', name, '--role', role]);
  expect(made.code, made.stderr).toBe(0);
  passwords[name] = made.stdout.trim();
}

/** A screenshot of the page as it is, for the README and docs/screenshots/. */
async function screenshot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violation. */
async function expectAccessible(p: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await p.evaluate(`${AXE_SOURCE};0`);
  const violations = await p.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  expect(violations, what).toEqual([]);
}

async function logIn(p: Page, name: string): Promise<void> {
  await p.goto(`${collector.url}/`);
  await p.getByLabel('Name').fill(name);
  await p.getByLabel('Password').fill(passwords[name] ?? '');
  await p.getByRole('button', { name: 'Log in' }).click();
  await p.getByRole('heading', { name: 'Overview' }).waitFor();
}

/** The row of a table whose first cell names the thing exactly. */
function rowOf(table: Locator, first: string): Locator {
  return table.getByRole('row').filter({ has: table.page().getByRole('cell', { name: first, exact: true }) });
}

/** Goes to a section of the console through its navigation bar. */
async function section(p: Page, name: string): Promise<void> {
  await p.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
}

function watchCsp(p: Page): void {
  p.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refusedByCsp.push(m.text());
  });
}

beforeAll(async () => {
  if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  collector = await startCollector({ dbPath, enrollSecret: SECRET });
  api = await apiHeaders(dbPath);
  await Promise.all([
    reportMachine('ws-console-01', 'CONSOLE-A1', APT_CAPTURE),
    reportMachine('ws-console-02', 'CONSOLE-B2'),
    reportMachine('ws-console-03', 'CONSOLE-C3'),
  ]);
  await call('POST', '/api/v1/assets', { assetTag: 'LAP-100', name: 'Finance laptop', status: 'in_stock' });
  await call('POST', '/api/v1/assets', { assetTag: 'OLD-7', name: 'Old desktop', status: 'retired' });
  await call('POST', '/api/v1/licenses', { product: 'OpenSSL support', namePattern: 'openssl', seats: 1 });
  await call('POST', '/api/v1/reconciliations');
  await makeUser('ops', 'admin');
  await makeUser('viewer', 'reader');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  admin = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await admin.newPage();
  page.setDefaultTimeout(15_000);
  watchCsp(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await collector?.stop();
  dir.remove();
});

describe('the web console in Chromium', { timeout: 90_000 }, () => {
  it('logs a person in, refusing a wrong password first', async () => {
    await page.goto(`${collector.url}/devices`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await screenshot(page, 'login');
    await expectAccessible(page, 'login');
    await page.getByLabel('Name').fill('ops');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Wrong name or password/);

    await page.getByLabel('Password').fill(passwords.ops ?? '');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    await section(page, 'Overview');
    await page.getByRole('heading', { name: 'Inventory accuracy' }).waitFor();
    await expect(page.getByText('3 devices', { exact: false }).count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'overview');
    await expectAccessible(page, 'overview');
    const cookie = (await admin.cookies()).find((c) => c.name === 'stocktake_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('finds a device by its serial and reads its pending security updates', async () => {
    await section(page, 'Devices');
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    // The agents run on this machine, so the three report its host name, each with its own serial.
    await page.getByRole('cell', { name: 'CONSOLE-C3' }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
    await screenshot(page, 'devices');
    await expectAccessible(page, 'devices');
    await page.getByRole('searchbox', { name: 'Serial' }).fill('CONSOLE-A1');
    await page.getByRole('searchbox', { name: 'Serial' }).press('Enter');
    await page.waitForURL(/serial=CONSOLE-A1/);
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await page.locator('tbody tr').getByRole('cell', { name: 'CONSOLE-A1' }).waitFor();
    await page.locator('tbody tr').getByRole('link').first().click();

    await page.getByRole('heading', { name: 'Identity' }).waitFor();
    await page.getByText('CONSOLE-A1', { exact: true }).waitFor();
    const updates = page.getByRole('table', { name: 'Pending security updates' });
    await updates.waitFor();
    const rows = await updates.locator('tbody tr td:first-child').allTextContents();
    expect(rows.sort()).toEqual(['libcurl4', 'libssl3', 'linux-image-6.1.0-25-amd64', 'linux-image-amd64', 'openssl']);
    await screenshot(page, 'device');
    await expectAccessible(page, 'device detail');

    // Its agent holds the live channel: "inventory now" asks it for a snapshot at once.
    await page.getByText('Online', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Inventory now' }).click();
    await page.getByRole('status').filter({ hasText: 'Inventory requested from the agent' }).waitFor();
    await expect.poll(() => agents[0]?.with('snapshot delivered').length, { timeout: 30_000 }).toBe(2);
    // Last use per application, from the agent's metering, which travels once the collector has
    // said it takes usage (from the second snapshot on): openssl's program ran today; the
    // fixture's other packages have no program the agent could time, so their use is unknown.
    await page.reload();
    const software = page.getByRole('table', { name: 'Installed software' });
    await expect
      .poll(() => rowOf(software, 'openssl').locator('td').last().textContent(), { timeout: 15_000 })
      .toBe(`${new Date().toISOString().slice(0, 10)}, used`);
    expect(await rowOf(software, 'pkg-1').locator('td').last().textContent()).toBe('unknown');
  });

  it('links the device to a register asset', async () => {
    await page.getByRole('searchbox', { name: /Find an asset/ }).fill('LAP-100');
    await page.getByRole('searchbox', { name: /Find an asset/ }).press('Enter');
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Asset' }).locator('option').count(), { timeout: 15_000 })
      .toBe(2);
    await page.getByRole('combobox', { name: 'Asset' }).selectOption({ label: 'LAP-100 · Finance laptop' });
    await page.getByRole('button', { name: 'Link to asset' }).click();
    await page.getByRole('link', { name: 'LAP-100' }).waitFor();
    const id = /\/devices\/([^/?]+)/.exec(page.url())?.[1] as string;
    const device = await call<DeviceDetail>('GET', `/api/v1/devices/${id}`);
    expect(device.asset?.assetTag).toBe('LAP-100');
    expect(device.link).toMatchObject({ method: 'manual', linkedBy: 'user:ops' });
  });

  it('acknowledges a finding, audited under the person’s name', async () => {
    await section(page, 'Findings');
    await page.getByRole('combobox', { name: 'Type' }).selectOption('unregistered_device');
    await page.waitForURL(/type=unregistered_device/);
    // Every device reports a serial the register does not know yet.
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
    await screenshot(page, 'findings');
    await expectAccessible(page, 'findings');
    const first = (await call<FindingPage>('GET', '/api/v1/findings?type=unregistered_device&sort=id'))
      .items[0] as Finding;
    await page.getByRole('link', { name: first.summary }).click();
    await page.getByRole('heading', { name: first.summary }).waitFor();
    await page.getByRole('textbox', { name: 'Comment' }).fill('a lab machine, registered next week');
    await page.getByRole('textbox', { name: 'Comment' }).press('Tab');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('status').filter({ hasText: 'Acknowledged 1 finding.' }).waitFor();
    await screenshot(page, 'finding');
    const after = await call<Finding>('GET', `/api/v1/findings/${first.id}`);
    expect(after).toMatchObject({
      status: 'acknowledged',
      statusChangedBy: 'user:ops',
      statusComment: 'a lab machine, registered next week',
    });
  });

  it('disposes of an asset with its certificate, and shows the audit entry', async () => {
    await section(page, 'Assets');
    await page.getByRole('link', { name: 'OLD-7' }).waitFor();
    await screenshot(page, 'assets');
    await expectAccessible(page, 'assets');
    await page.getByRole('link', { name: 'OLD-7' }).click();
    await page.getByRole('heading', { name: /OLD-7/ }).waitFor();
    // Only the moves the register allows from retired are offered.
    const offered = await page.getByRole('combobox', { name: 'New status' }).locator('option').allTextContents();
    expect(offered).toEqual(['Choose…', 'disposed', 'in stock', 'lost', 'stolen']);
    await page.getByRole('combobox', { name: 'New status' }).selectOption('disposed');
    await page.getByRole('combobox', { name: 'Sanitisation method' }).selectOption('destroy');
    await page.getByRole('textbox', { name: 'Certificate reference' }).fill('CERT-2026-0042');
    await page.getByRole('textbox', { name: 'Vendor' }).fill('Shred-It GmbH');
    await page.getByLabel('Date', { exact: true }).fill('2026-12-01');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('status').filter({ hasText: 'Moved to disposed.' }).waitFor();
    const audit = page.getByRole('list', { name: 'Audit entries' });
    await audit
      .getByText(/status by user:ops/)
      .first()
      .waitFor();
    await expect(
      page.getByText(/destroy, certificate CERT-2026-0042, by Shred-It GmbH on 2026-12-01/).count(),
    ).resolves.toBe(1);
    await screenshot(page, 'asset');
    await expectAccessible(page, 'asset detail');
    const assets = await call<{ items: { id: string; assetTag: string }[] }>('GET', '/api/v1/assets?assetTag=OLD-7');
    const detail = await call<AssetDetail>('GET', `/api/v1/assets/${assets.items[0]?.id}`);
    expect(detail.status).toBe('disposed');
    expect(detail.history[0]).toMatchObject({ actor: 'user:ops', action: 'status' });
  });

  it('creates an asset with every field the contract writes, the refusal shown at its field', async () => {
    await section(page, 'Assets');
    await page.getByRole('link', { name: 'New asset' }).click();
    await page.getByRole('heading', { name: 'New asset' }).waitFor();
    // The form has an input for every field of the contract's create schema but the disposal
    // record (a disposed asset is recorded from its page).
    const fields = Object.keys(AssetCreateSchema.properties).filter((k) => k !== 'disposal');
    const missing: string[] = [];
    for (const k of fields) if ((await page.locator(`#fld-${k}`).count()) === 0) missing.push(k);
    expect(missing).toEqual([]);
    await page.getByLabel('Asset tag').fill('LAP-100');
    await page.getByLabel('Name', { exact: true }).fill('Design laptop');
    await page.getByLabel('Status', { exact: true }).selectOption('deployed');
    await page.getByLabel('MAC addresses').fill('aa:bb:cc:dd:ee:01, aa:bb:cc:dd:ee:02');
    await page.getByLabel('Their employee number').fill('E-1042');
    await page.getByLabel('Purchase date').fill('2025-03-01');
    await page.getByLabel('Purchase cost').fill('1299.50');
    await page.getByLabel('Warranty (months)').fill('36');
    await page.getByLabel('Support starts').fill('2025-03-01');
    await page.getByLabel('Support ends').fill('2028-02-28');
    await page.getByRole('button', { name: 'Save' }).click();
    // LAP-100 is taken: the collector's 409 names the field, and the form shows it there.
    await expect(page.locator('#fld-assetTag-error').textContent()).resolves.toMatch(/LAP-100 is already asset/);
    await expect(page.getByLabel('Asset tag').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, 'asset-form');
    await expectAccessible(page, 'asset form');
    await page.getByLabel('Asset tag').fill('LAP-200');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: /LAP-200/ }).waitFor();
    const made = await call<{ items: { id: string }[] }>('GET', '/api/v1/assets?assetTag=LAP-200');
    const created = await call<AssetDetail>('GET', `/api/v1/assets/${made.items[0]?.id}`);
    expect(created).toMatchObject({
      status: 'deployed',
      macs: ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02'],
      assigneeEmployeeNumber: 'E-1042',
      purchaseCost: 1299.5,
      warrantyMonths: 36,
      supportStart: '2025-03-01',
      supportEnd: '2028-02-28',
    });
  });

  it('refuses a CSV import with its line numbers, then imports a good one', async () => {
    await section(page, 'Assets');
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('heading', { name: 'Import assets', exact: true }).waitFor();
    const bad =
      'asset_tag,item_name,status,purchase_date\r\nCSV-1,Spare laptop,Ready to Deploy,2024-01-10\r\nCSV-2,Broken,Flying,not-a-date\r\n';
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const refusal = await page.getByRole('alert').textContent();
    expect(refusal).toMatch(/Line 3/);
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'import-refused');

    const good =
      'asset_tag,item_name,status,purchase_date\r\nCSV-1,Spare laptop,Ready to Deploy,2024-01-10\r\nCSV-2,Spare desktop,Ready to Deploy,2024-02-11\r\n';
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByText('Line 2: create CSV-1').waitFor();
    await page.getByText('Line 3: create CSV-2').waitFor();
    await screenshot(page, 'import-preview');
    await expectAccessible(page, 'import preview');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 rows: 2 created' }).waitFor();
    const imported = await call<{ items: unknown[] }>('GET', '/api/v1/assets?q=CSV-');
    expect(imported.items).toHaveLength(2);
  });

  it('downloads the device list as CSV', async () => {
    await section(page, 'Devices');
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('devices.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/hostname/);
    expect(lines).toHaveLength(4);
    expect(csv).toContain('CONSOLE-A1');
  });

  it('shows the licenses, software, administration pages', async () => {
    await section(page, 'Licenses');
    await page.getByRole('table', { name: 'License position per product' }).getByText('OpenSSL support').waitFor();
    await screenshot(page, 'licenses');
    await expectAccessible(page, 'licenses');

    await section(page, 'Software');
    await page.getByRole('searchbox', { name: 'Software name' }).fill('openssl');
    await page.getByRole('searchbox', { name: 'Software name' }).press('Enter');
    await expect
      .poll(() => page.getByRole('table', { name: 'Devices with openssl' }).locator('tbody tr').count(), {
        timeout: 15_000,
      })
      .toBe(3);
    await screenshot(page, 'software');
    await expectAccessible(page, 'software');

    const before = (await call<RunPage>('GET', '/api/v1/reconciliations')).items.length;
    await section(page, 'Administration');
    await page.getByRole('button', { name: 'Run now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Run \d+ succeeded/ })
      .waitFor();
    const runs = (await call<RunPage>('GET', '/api/v1/reconciliations')).items as ReconciliationRun[];
    expect(runs).toHaveLength(before + 1);
    expect(runs[0]?.actor).toBe('user:ops');
    await page.getByRole('table', { name: 'Users' }).getByRole('cell', { name: 'viewer', exact: true }).waitFor();

    // A token made in the console: its secret shown once, then it works as a reader's.
    await page.getByLabel("New token's name").fill('  console-made  ');
    await page.getByLabel('Token role').selectOption('reader');
    await page.getByRole('button', { name: 'Make token' }).click();
    const shown = await page
      .getByRole('status')
      .filter({ hasText: /^Token \(shown once/ })
      .locator('code')
      .textContent();
    await expect.poll(() => page.getByLabel("New token's name").inputValue(), { timeout: 15_000 }).toBe('');
    const tokens = (await call<ApiTokenList>('GET', '/api/v1/tokens')).items;
    expect(tokens.find((t) => t.name === 'console-made')?.role).toBe('reader');
    const asToken = await fetch(`${collector.url}/api/v1/devices`, { headers: { authorization: `Bearer ${shown}` } });
    expect(asToken.status).toBe(200);
    await screenshot(page, 'admin');
    await expectAccessible(page, 'administration');
  });

  it('edits the policy in a form drawn from its schema, the refusal shown at its field', async () => {
    await section(page, 'Administration');
    const policy = page.getByRole('form', { name: 'Policy document' });
    // An empty field shows the value in force: the default.
    await expect(policy.getByLabel('Ghost after days').getAttribute('placeholder')).resolves.toBe('in force: 30');
    await policy.getByLabel('Ghost after days').fill('45');
    await policy.getByLabel('Used within days').fill('60');
    await policy.getByLabel('Unused after days').fill('40');
    await policy.getByRole('button', { name: 'Replace policy' }).click();
    await expect(policy.locator('#fld-usage-unusedAfterDays-error').textContent()).resolves.toMatch(
      /at least usedWithinDays/,
    );
    await policy.getByLabel('Unused after days').fill('120');
    await policy.getByRole('button', { name: 'Replace policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Policy replaced.' }).waitFor();
    const stored = await call<StoredPolicy>('GET', '/api/v1/policies');
    expect(stored.document).toEqual({ ghostAfterDays: 45, usage: { usedWithinDays: 60, unusedAfterDays: 120 } });
    expect(stored.updatedBy).toBe('user:ops');
    await screenshot(page, 'admin-policy');
    await expectAccessible(page, 'policy editor');
  });

  it('shows a reader no write control, and the collector refuses the reader’s writes anyway', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const reader = await context.newPage();
    reader.setDefaultTimeout(15_000);
    watchCsp(reader);
    await logIn(reader, 'viewer');
    const device = (await call<DevicePage>('GET', '/api/v1/devices?serial=CONSOLE-B2')).items[0];
    await reader.goto(`${collector.url}/devices/${device?.id}`);
    await reader.getByText('CONSOLE-B2', { exact: true }).waitFor();
    await reader.getByRole('heading', { name: 'Register asset' }).waitFor();
    for (const name of ['Link to asset', 'Inventory now', 'Acknowledge', 'Unlink']) {
      await expect(reader.getByRole('button', { name }).count(), name).resolves.toBe(0);
    }
    await reader.goto(`${collector.url}/assets`);
    await reader.getByRole('link', { name: 'OLD-7' }).waitFor();
    await expect(reader.getByRole('link', { name: 'New asset' }).count()).resolves.toBe(0);
    await expect(reader.getByRole('link', { name: 'Import CSV' }).count()).resolves.toBe(0);
    await reader.goto(`${collector.url}/admin`);
    await reader.getByRole('heading', { name: 'Reconciliation runs' }).waitFor();
    await expect(reader.getByRole('button', { name: 'Run now' }).count()).resolves.toBe(0);
    await screenshot(reader, 'reader-admin');
    await expectAccessible(reader, 'reader administration');
    // The same write the page would make, with the reader's own session and CSRF token: refused.
    const status = await reader.evaluate(async () => {
      const session = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/reconciliations', {
        method: 'POST',
        headers: { 'x-csrf-token': session.csrfToken },
      });
      return res.status;
    });
    expect(status).toBe(403);
    await context.close();
  });

  it('refuses a write another origin makes with the person’s cookie', async () => {
    const runsBefore = (await call<RunPage>('GET', '/api/v1/reconciliations')).items.length;
    // Another origin (same host, another port): a page that posts a form to the collector as the victim browses it.
    const attacker: Server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html');
      if (req.url === '/read') return res.end('<!doctype html><title>elsewhere</title>');
      res.end(
        `<!doctype html><form id="f" method="POST" action="${collector.url}/api/v1/reconciliations"><input name="x" value="1"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((done) => attacker.listen(0, '127.0.0.1', done));
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    try {
      const [answer] = await Promise.all([
        page.waitForResponse(
          (r) => r.url() === `${collector.url}/api/v1/reconciliations` && r.request().method() === 'POST',
        ),
        page.goto(attackerUrl),
      ]);
      expect([401, 403]).toContain(answer.status());
      // A script on that origin cannot read the session's CSRF token either: no CORS answer lets it.
      const elsewhere = await admin.newPage();
      await elsewhere.goto(`${attackerUrl}read`);
      const read = await elsewhere.evaluate(async (url) => {
        try {
          const res = await fetch(`${url}/api/v1/session`, { credentials: 'include' });
          return `read ${res.status}`;
        } catch {
          return 'blocked';
        }
      }, collector.url);
      expect(read).toBe('blocked');
      await elsewhere.close();
    } finally {
      attacker.close();
    }
    expect((await call<RunPage>('GET', '/api/v1/reconciliations')).items).toHaveLength(runsBefore);
  });

  it('logs out, and a session that has ended sends the person back to the login page', async () => {
    await page.goto(`${collector.url}/findings`);
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You have logged out.').waitFor();
    expect((await admin.cookies()).find((c) => c.name === 'stocktake_session')).toBeUndefined();

    await logIn(page, 'ops');
    // Ended elsewhere (an admin resetting the password ends its sessions): the next call gets a 401.
    const reset = await runCollector(['user', 'reset-password', 'ops', '--db', dbPath]);
    expect(reset.code, reset.stderr).toBe(0);
    await section(page, 'Devices');
    await page.getByText('Your session has ended. Log in again to go on.').waitFor();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(refusedByCsp).toEqual([]);
  });
});
