import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test-support/test-app.ts';

/**
 * Files as Snipe-IT and spreadsheets write them, each imported with a dry run first, then for
 * real, through the API and the one import pipeline: Snipe-IT's own sample files (kept outside
 * the repository, fixtures/snipe-it/README.md says where), a Custom Asset Report as Snipe-IT's
 * UI writes it, and registers saved by Excel on a Mac and on a German Windows.
 */
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const FIXTURES = join(import.meta.dirname, 'fixtures', 'snipe-it');
/** Snipe-IT's own sample files: shared/snipe-it/ beside the checkout, or STOCKTAKE_SNIPEIT_SAMPLES. */
const SAMPLES =
  process.env.STOCKTAKE_SNIPEIT_SAMPLES ?? resolve(import.meta.dirname, '../../../../../../../../shared/snipe-it');
const SAMPLE_FILES = ['assets-sample.csv', 'assets-sample-BLANKS.csv', 'MOCK_ASSETS.csv', 'licenses-sample.csv'];
const HAVE_SAMPLES = SAMPLE_FILES.every((f) => existsSync(join(SAMPLES, f)));

const fixture = (name: string) =>
  readFileSync(SAMPLE_FILES.includes(name) ? join(SAMPLES, name) : join(FIXTURES, name));

async function importFile(name: string, resource: 'assets' | 'licenses', query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString();
  return t.inject({
    method: 'POST',
    url: `/api/v1/${resource}/import${search ? `?${search}` : ''}`,
    headers: { 'content-type': 'text/csv' },
    payload: fixture(name),
  });
}

interface AssetBody {
  assetTag: string;
  status: string;
  [field: string]: unknown;
}

async function register(): Promise<Map<string, AssetBody>> {
  const items: AssetBody[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: AssetBody[]; nextCursor: string | null } = (
      await t.inject({ url: `/api/v1/assets?limit=500${cursor ? `&cursor=${cursor}` : ''}` })
    ).json();
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return new Map(items.map((a) => [a.assetTag, a]));
}

function countBy(assets: Map<string, AssetBody>, field: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of assets.values()) counts[String(a[field])] = (counts[String(a[field])] ?? 0) + 1;
  return counts;
}

/** A dry run that would create `rows` assets and writes none, then the import itself. */
async function dryRunThenImport(name: string, rows: number, query: Record<string, string> = {}) {
  const dry = await importFile(name, 'assets', { ...query, dryRun: 'true' });
  expect(dry.statusCode, dry.body).toBe(200);
  expect(dry.json()).toMatchObject({ dryRun: true, rows });
  expect(dry.json().created).toHaveLength(rows);
  expect((await register()).size).toBe(0);
  const real = await importFile(name, 'assets', query);
  expect(real.statusCode, real.body).toBe(200);
  expect(real.json()).toMatchObject({ dryRun: false, rows });
  expect(real.json().created).toHaveLength(rows);
  const assets = await register();
  expect(assets.size).toBe(rows);
  return { dry: dry.json(), real: real.json(), assets };
}

describe.skipIf(!HAVE_SAMPLES)(`Snipe-IT's sample files (${SAMPLES})`, () => {
  it('assets-sample.csv: two-digit years, checked out to people and to locations', async () => {
    const { real, assets } = await dryRunThenImport('assets-sample.csv', 22);
    expect(real.detected).toEqual({ encoding: 'utf-8-bom', delimiter: 'comma' });
    expect(real.ignoredColumns).toEqual(['Company', 'Model Notes']);
    expect(real.warnings).toEqual([
      expect.stringMatching(/^Purchase Date: 22 dates with a two-digit year .*70–99 as 1970–1999/),
      expect.stringMatching(/^Asset EOL Date: 11 dates with a two-digit year/),
    ]);
    // 9 rows checked out to a user and 8 to a location are in use; 5 are not checked out.
    expect(countBy(assets, 'status')).toEqual({ deployed: 17, in_stock: 5 });
    expect(assets.get('ICC-2065556')).toMatchObject({
      name: 'Backhoe',
      model: 'Macbook Pro 13"',
      purchaseDate: '2023-01-23',
      purchaseCost: 2266.13,
      expectedEndOfLife: '2028-10-27',
      location: 'Wilkinson, Waters and Kerluke',
      assigneeName: null,
      status: 'in_stock',
    });
    expect(assets.get('WBH-2841795')).toMatchObject({
      purchaseDate: '2022-11-14',
      purchaseCost: 1292.94,
      assigneeName: 'Gage McCrackem',
      assigneeUsername: 'gmccrackem2a',
      assigneeEmail: 'gmccrackem2a@bing.com',
      status: 'deployed',
    });
    expect(assets.get('NNH-3656031')).toMatchObject({
      purchaseDate: '2023-03-01',
      location: 'Pacocha-Kiehn',
      assigneeName: null,
      status: 'deployed',
    });
  });

  it('assets-sample-BLANKS.csv: CR line ends, Mac Roman, user-defined labels mapped and kept for the next import', async () => {
    const refused = await importFile('assets-sample-BLANKS.csv', 'assets', { dryRun: 'true' });
    expect(refused.statusCode).toBe(400);
    const messages = refused.json().errors.map((e: { message: string }) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(
        /"Undeployable" is not a status label Stocktake knows \(32 rows: .*--status-map 'Undeployable=/,
      ),
      expect.stringMatching(/"Pending Diagnostics" is not a status label Stocktake knows \(36 rows: .*--status-map/),
    ]);
    const statusMap = 'Pending Diagnostics=in_repair,Undeployable=retired';
    const { real, assets } = await dryRunThenImport('assets-sample-BLANKS.csv', 200, {
      statusMap,
      saveStatusMap: 'true',
    });
    expect(real.detected).toEqual({ encoding: 'macintosh', delimiter: 'comma' });
    expect(real.warnings[0]).toMatch(/not UTF-8; it was read as comma-separated, Mac Roman/);
    // Archived and Undeployable are retired; a row checked out to a person is deployed unless
    // its label puts it out of service.
    expect(countBy(assets, 'status')).toEqual({ retired: 71, lost: 37, in_repair: 36, deployed: 28, in_stock: 28 });
    expect(assets.get('970882174-8')).toMatchObject({
      assigneeName: 'Bonnie Nelson',
      assigneeEmail: 'bnelson0@cdbaby.com',
      assigneeUsername: 'bnelson0',
      purchaseDate: '2016-04-05',
      purchaseCost: 133289.59,
      warrantyMonths: 14,
      warrantyEnd: '2017-06-05',
      status: 'retired',
    });
    // The bytes 0x89 0xDB 0xAA are "â€™" in Mac Roman: what the file holds, not U+FFFD.
    expect(assets.get('691575472-5')).toMatchObject({ location: 'Berdyansâ€™k', assigneeName: 'Rose Smith' });

    // The mapping was kept: MOCK_ASSETS.csv (the same assets, LF line ends) needs no flag.
    const policy = (await t.inject({ url: '/api/v1/policies' })).json();
    expect(policy.policy.importStatusMap).toEqual({ 'Pending Diagnostics': 'in_repair', Undeployable: 'retired' });
    const again = await importFile('MOCK_ASSETS.csv', 'assets');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().created).toHaveLength(0);
    // The older file rounds its model numbers differently (6.38E+15 for 6.37702E+15); no status changes.
    const changed = new Set(
      again.json().updated.flatMap((u: { changes: { field: string }[] }) => u.changes.map((c) => c.field)),
    );
    expect([...changed]).toEqual(['modelNumber']);
  });

  it('MOCK_ASSETS.csv: Mac Roman with LF line ends, Warranty Months, and a status map', async () => {
    const { real, assets } = await dryRunThenImport('MOCK_ASSETS.csv', 200, {
      statusMap: 'pending diagnostics=in_repair, undeployable=retired',
    });
    expect(real.detected).toEqual({ encoding: 'macintosh', delimiter: 'comma' });
    expect(real.ignoredColumns).toEqual(['Company', 'BYOD']);
    expect(countBy(assets, 'status')).toEqual({ retired: 71, lost: 37, in_repair: 36, deployed: 28, in_stock: 28 });
    expect(assets.get('691575472-5')).toMatchObject({
      location: 'Berdyansâ€™k',
      purchaseDate: '2015-10-09',
      purchaseCost: 708.94,
      warrantyMonths: 14,
      status: 'retired',
    });
  });
});

describe("A Custom Asset Report from Snipe-IT's UI", () => {
  it('reads the status type, purchase date, cost, who or where it is checked out to, employee number, department', async () => {
    const refused = await importFile('custom-asset-report.csv', 'assets', { dryRun: 'true' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { path: '/10/Status', message: expect.stringMatching(/^line 10, Status: "Broken" is not a status label/) },
    ]);
    const { real, assets } = await dryRunThenImport('custom-asset-report.csv', 9, { statusMap: 'Broken=retired' });
    expect(real.detected).toEqual({ encoding: 'utf-8-bom', delimiter: 'comma' });
    expect(real.warnings).toEqual([]);
    expect(Object.fromEntries([...assets].map(([tag, a]) => [tag, a.status]))).toEqual({
      'LT-0101': 'deployed', // Ready to Deploy (deployed): checked out to Jürgen
      'WS-0102': 'deployed', // checked out to a location
      'LT-0103': 'in_stock',
      'LT-0104': 'ordered',
      'WS-0105': 'retired',
      'WS-0106': 'in_repair',
      'LT-0107': 'in_stock', // a label Stocktake does not know, whose type is deployable
      'LT-0108': 'retired', // mapped
      'DK-0109': 'deployed', // checked out to another asset
    });
    expect(assets.get('LT-0101')).toMatchObject({
      name: 'Finance laptop 1',
      model: 'Latitude 7440',
      modelNumber: 'N007L7440',
      serial: '7XK3QW3',
      purchaseDate: '2023-04-17',
      purchaseCost: 1249,
      warrantyMonths: 36,
      warrantyEnd: '2026-04-17',
      expectedEndOfLife: '2027-04-17',
      supplier: 'Northwind Traders, Inc.',
      orderNumber: 'PO-2023-0415',
      assigneeName: 'Jürgen Groß',
      assigneeUsername: 'jgross',
      assigneeEmployeeNumber: 'E-1042',
      assigneeDepartment: 'Finance',
      location: 'HQ Floor 2',
    });
    expect(assets.get('WS-0102')).toMatchObject({ location: 'Studio B', assigneeName: null, purchaseCost: 2890.5 });
    expect(assets.get('DK-0109')).toMatchObject({ assigneeName: null, location: 'HQ Floor 2' });
  });
});

describe.skipIf(!HAVE_SAMPLES)("Snipe-IT's licenses-sample.csv", () => {
  it('imports its 50 licenses, dry run first', async () => {
    const dry = await importFile('licenses-sample.csv', 'licenses', { dryRun: 'true' });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, rows: 50, detected: { encoding: 'utf-8', delimiter: 'comma' } });
    expect((await t.inject({ url: '/api/v1/licenses' })).json().items).toHaveLength(0);
    const real = await importFile('licenses-sample.csv', 'licenses');
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json().created).toHaveLength(50);
    expect(real.json().ignoredColumns).toEqual(
      expect.arrayContaining(['Full Name', 'serial number', 'purchase date', 'purchase cost', 'purchase order']),
    );
    const licenses = (await t.inject({ url: '/api/v1/licenses?limit=500' })).json().items;
    expect(licenses).toHaveLength(50);
    expect(licenses.find((l: { product: string }) => l.product === 'Mirtazapine')).toMatchObject({
      seats: 55,
      termEnd: '2016-04-12',
      orderNumber: '420038879-0',
      publisher: null,
    });
  });
});

describe('Registers saved by Excel', () => {
  it('on a classic Mac: Mac Roman, CR line ends, blank header cells, user-defined labels kept for the next import', async () => {
    const refused = await importFile('mac-roman-cr.csv', 'assets', { dryRun: 'true' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringMatching(/^line 3, Status: "Undeployable" is not a status label Stocktake knows \(1 row: line 3\)/),
      expect.stringMatching(
        /^line 4, Status: "Pending Diagnostics" is not a status label .*--status-map 'Pending Diagnostics=/,
      ),
    ]);
    const { real, assets } = await dryRunThenImport('mac-roman-cr.csv', 6, {
      statusMap: 'Pending Diagnostics=in_repair,Undeployable=retired',
      saveStatusMap: 'true',
    });
    expect(real.detected).toEqual({ encoding: 'macintosh', delimiter: 'comma' });
    expect(real.warnings).toEqual([
      expect.stringMatching(/not UTF-8; it was read as comma-separated, Mac Roman \(detected\)/),
      expect.stringMatching(
        /^Purchase Date: 6 dates with a two-digit year \(lines 2, 3, 4, 5, 6, 7\): .*00–69 are read as 2000–2069/,
      ),
    ]);
    expect(
      Object.fromEntries([...assets].map(([tag, a]) => [tag, [a.status, a.assigneeName, a.purchaseDate]])),
    ).toEqual({
      'MAC-0001': ['deployed', 'Jürgen Groß', '2016-04-05'], // Ready to Deploy, checked out to Jürgen
      'MAC-0002': ['retired', 'Zoë Brontë', '2015-10-11'], // Undeployable, mapped: out of service though assigned
      'MAC-0003': ['in_repair', null, '2015-08-09'],
      'MAC-0004': ['lost', null, '2015-06-16'],
      'MAC-0005': ['deployed', 'Åsa Ørsted', '2023-01-23'], // no status, checked out
      'MAC-0006': ['retired', null, '1999-12-31'], // 99 is 1999
    });
    expect(assets.get('MAC-0001')).toMatchObject({
      location: 'Zürich',
      notes: 'Keyboard “sticky” since 2019',
      model: 'MacBook Air 13"',
      purchaseCost: 1299.5,
      warrantyMonths: 14,
      warrantyEnd: '2017-06-05',
    });
    // Kept in the policy: the same file imports again without the flag, unchanged.
    const policy = (await t.inject({ url: '/api/v1/policies' })).json();
    expect(policy.policy.importStatusMap).toEqual({ 'Pending Diagnostics': 'in_repair', Undeployable: 'retired' });
    const again = await importFile('mac-roman-cr.csv', 'assets');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().unchanged).toHaveLength(6);
  });

  it('on a German Windows: Windows-1252, semicolons, day-first dates and decimal commas', async () => {
    const { real, assets } = await dryRunThenImport('windows-1252-semicolon.csv', 3, {
      statusMap: 'Pending Diagnostics=in_repair',
    });
    expect(real.detected).toEqual({ encoding: 'windows-1252', delimiter: 'semicolon' });
    expect(assets.get('WIN-0001')).toMatchObject({
      name: 'Büro-PC Müller',
      location: 'Düsseldorf',
      purchaseDate: '2023-01-15',
      purchaseCost: 1299.5,
      assigneeName: 'Jürgen Müller',
      status: 'deployed',
    });
    expect(assets.get('WIN-0002')).toMatchObject({ location: 'Köln', purchaseDate: '2023-02-03', purchaseCost: 849 });
    expect(assets.get('WIN-0003')).toMatchObject({ location: 'Straße 5; Raum 2', status: 'in_repair' });
  });
});
