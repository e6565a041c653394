import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../../domain/csv/csv.ts';
import { dumpDatabase } from '../../../../../test-support/dump.ts';
import { createTestApp, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

/** The columns Snipe-IT's asset importer knows by these names. */
const HEADER = [
  'asset_tag',
  'item_name',
  'serial',
  'asset_model',
  'model_number',
  'manufacturer',
  'category',
  'status',
  'location',
  'purchase_date',
  'purchase_cost',
  'warranty_months',
  'supplier',
  'order_number',
  'notes',
  'full_name',
  'email',
  'username',
  'employee_num',
];

const MODELS = [
  ['Dell Inc.', 'Latitude 7440', 'N007L7440', 'Laptops'],
  ['Lenovo', 'ThinkPad T14 Gen 4', '21HD0051GE', 'Laptops'],
  ['HP', 'EliteDesk 800 G6', '1D2F5EA', 'Desktops'],
  ['Apple', 'MacBook Pro 14"', 'MRX33LL/A', 'Laptops'],
] as const;
const STATUSES = ['Ready to Deploy', 'Deployed', 'Pending', 'Out for Repair', 'Archived'];

/** One Snipe-IT-format row; `i` decides every value, so two calls give the same row. */
function row(i: number): string[] {
  const [manufacturer, model, number, category] = MODELS[i % MODELS.length] ?? MODELS[0];
  const tag = `ST-${String(i).padStart(5, '0')}`;
  const deployed = STATUSES[i % STATUSES.length] === 'Deployed';
  return [
    tag,
    `${category.slice(0, -1)} ${i}`,
    `SN${(100000 + i * 7).toString(36).toUpperCase()}`,
    model,
    number,
    manufacturer,
    category,
    STATUSES[i % STATUSES.length] ?? 'Pending',
    i % 3 === 0 ? 'HQ, Floor 2' : 'Branch office',
    `20${20 + (i % 5)}-0${1 + (i % 9)}-1${i % 10}`,
    (899 + (i % 400) + 0.99).toFixed(2),
    String(12 * (1 + (i % 4))),
    i % 2 ? 'Northwind Traders' : 'Contoso Supply',
    `PO-${1000 + Math.floor(i / 10)}`,
    i % 50 === 0 ? `Line one\nline two, with "quotes"` : '',
    deployed ? `Person ${i}` : '',
    deployed ? `person${i}@example.com` : '',
    deployed ? `person${i}` : '',
    deployed ? `E${i}` : '',
  ];
}

function csv(rows: string[][], header = HEADER): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

const THOUSAND = Array.from({ length: 1000 }, (_, i) => row(i + 1));

/** The line of the file a row starts on: header is line 1, and notes with a line break take two. */
function lineOf(index: number): number {
  let line = 2;
  for (let j = 0; j < index; j++) line += (THOUSAND[j]?.[HEADER.indexOf('notes')] ?? '').split('\n').length;
  return line;
}

async function importCsv(body: string, query = '', actor?: string) {
  return t.inject({
    method: 'POST',
    url: `/api/v1/assets/import${query}`,
    headers: { 'content-type': 'text/csv; charset=utf-8', ...(actor ? await t.as(actor) : {}) },
    payload: body,
  });
}

const count = (table: string) =>
  (t.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('POST /api/v1/assets/import with a Snipe-IT CSV of 1,000 assets', () => {
  it('imports them all, then a re-import of the same file changes nothing and writes no audit', async () => {
    const first = await importCsv(csv(THOUSAND));
    expect(first.statusCode, first.body).toBe(200);
    const outcome = first.json();
    expect(outcome).toMatchObject({ dryRun: false, rows: 1000, updated: [], unchanged: [], ignoredColumns: [] });
    expect(outcome.created).toHaveLength(1000);
    expect(outcome.created[0]).toEqual({ line: 2, assetTag: 'ST-00001' });
    expect(count('assets')).toBe(1000);
    expect(count("audit_log WHERE entity_type = 'asset'")).toBe(1000);

    const stored = (await t.inject({ url: '/api/v1/assets?assetTag=ST-00001' })).json().items[0];
    expect(stored).toMatchObject({
      assetTag: 'ST-00001',
      model: 'ThinkPad T14 Gen 4',
      manufacturer: 'Lenovo',
      status: 'deployed',
      assigneeName: 'Person 1',
      assigneeEmail: 'person1@example.com',
      assigneeUsername: 'person1',
      assigneeEmployeeNumber: 'E1',
      purchaseDate: '2021-02-11',
      purchaseCost: 900.99,
      warrantyMonths: 24,
      warrantyEnd: '2023-02-11',
      location: 'Branch office',
      supplier: 'Northwind Traders',
      lockedFields: ['serial', 'manufacturer', 'model'],
    });
    expect((await t.inject({ url: '/api/v1/assets?assetTag=ST-00002' })).json().items[0].status).toBe('ordered');
    const withNotes = (await t.inject({ url: '/api/v1/assets?assetTag=ST-00050' })).json().items[0];
    expect(withNotes.notes).toBe('Line one\nline two, with "quotes"');

    const before = dumpDatabase(t.store.sqlite);
    const again = await importCsv(csv(THOUSAND));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: [], updated: [] });
    expect(again.json().unchanged).toHaveLength(1000);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('refuses a file with bad rows, naming each line as an editor shows it, and imports nothing', async () => {
    await importCsv(csv(THOUSAND.slice(0, 10)));
    const before = dumpDatabase(t.store.sqlite);
    const rows = THOUSAND.map((r) => [...r]);
    const set = (i: number, column: string, value: string) => {
      const r = rows[i];
      if (r) r[HEADER.indexOf(column)] = value;
    };
    set(15, 'purchase_date', '2023-02-30');
    set(500, 'status', 'Borrowed by marketing');
    set(996, 'asset_tag', 'ST-00004');
    set(997, 'purchase_cost', 'twelve');
    set(998, 'warranty_months', '-3');
    const res = await importCsv(csv(rows));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.type).toBe('urn:stocktake:problem:validation');
    // Every 50th row has a two-line note, so row 1,000 starts on line 1,020 of the file.
    expect(lineOf(500)).toBe(512);
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual([
      `/${lineOf(15)}/purchase_date`,
      `/${lineOf(500)}/status`,
      `/${lineOf(996)}/asset_tag`,
      `/${lineOf(997)}/purchase_cost`,
      `/${lineOf(998)}/warranty_months`,
    ]);
    expect(problem.errors[2].message).toBe(`line ${lineOf(996)}, asset_tag: asset tag ST-00004 is already on line 5`);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('updates a changed row, leaves an audit entry with who and what, and says so in a dry run first', async () => {
    await importCsv(csv(THOUSAND));
    const rows = THOUSAND.map((r) => [...r]);
    const changed = rows[498] as string[];
    changed[HEADER.indexOf('location')] = 'Warehouse 3';
    changed[HEADER.indexOf('notes')] = 'moved';
    const text = csv(rows);

    const before = dumpDatabase(t.store.sqlite);
    const dry = await importCsv(text, '?dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      created: [],
      updated: [
        {
          line: lineOf(498),
          assetTag: 'ST-00499',
          changes: [
            { field: 'location', from: 'Branch office', to: 'Warehouse 3' },
            { field: 'notes', from: null, to: 'moved' },
          ],
        },
      ],
    });
    expect(dry.json().unchanged).toHaveLength(999);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);

    const real = await importCsv(text, '', 'alice@example.com');
    expect(real.json().updated).toHaveLength(1);
    const asset = (await t.inject({ url: '/api/v1/assets?assetTag=ST-00499' })).json().items[0];
    expect(asset.location).toBe('Warehouse 3');
    const audit = (await t.inject({ url: `/api/v1/audit?entityType=asset&entityId=${asset.id}` })).json();
    expect(audit.items).toHaveLength(2);
    expect(audit.items[0]).toMatchObject({
      actor: 'alice@example.com',
      action: 'update',
      entityId: asset.id,
      before: { location: 'Branch office', notes: null },
      after: { location: 'Warehouse 3', notes: 'moved' },
      context: `csv import (api) line ${lineOf(498)}`,
    });
    expect(count("audit_log WHERE entity_type = 'asset'")).toBe(1001);
  });

  it('exports the register as Snipe-IT CSV that imports back unchanged', async () => {
    await importCsv(csv(THOUSAND.slice(0, 50)));
    const res = await t.inject({ url: '/api/v1/assets/export.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header] = res.body.split('\r\n');
    // The names Snipe-IT's importer maps by itself (snipe-it-mapping.test.ts checks them against its aliases).
    expect(header?.split(',').slice(0, HEADER.length + 1)).toEqual([
      'Asset Tag',
      'Asset Name',
      'Serial Number',
      'Model Name',
      'Model Number',
      'Manufacturer',
      'Category',
      'Status',
      'Location',
      'Purchase Date',
      'Purchase Cost',
      'Warranty',
      'Supplier',
      'Order Number',
      'Asset Notes',
      'Full Name',
      'Email',
      'Username',
      'Checkout Type',
      'Employee Number',
    ]);
    const before = dumpDatabase(t.store.sqlite);
    const back = await importCsv(res.body);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().unchanged).toHaveLength(50);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('exports who has an asset so that it imports back unchanged: a person named on an asset in stock is no checkout', async () => {
    for (const [assetTag, status] of [
      ['RT-1', 'in_stock'],
      ['RT-2', 'deployed'],
    ]) {
      const created = await t.inject({
        method: 'POST',
        url: '/api/v1/assets',
        payload: { assetTag, status, assigneeName: 'Jane Doe', assigneeEmail: 'jane@example.org' },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    const exported = (await t.inject({ url: '/api/v1/assets/export.csv' })).body;
    const [header, ...rows] = parseCsv(exported).map((r) => r.fields);
    const type = header?.indexOf('Checkout Type') ?? -1;
    expect(rows.map((r) => [r[0], r[type]])).toEqual([
      ['RT-1', ''],
      ['RT-2', 'User'],
    ]);
    const before = dumpDatabase(t.store.sqlite);
    const back = await importCsv(exported);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().unchanged).toHaveLength(2);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('exports values that start with an apostrophe or a formula so that they import back unchanged', async () => {
    const values = { name: '\'=HYPERLINK("http://x")', model: '=1+1', notes: "'quoted", supplier: "''" };
    const created = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'Q-1', ...values } });
    expect(created.statusCode, created.body).toBe(201);
    const exported = (await t.inject({ url: '/api/v1/assets/export.csv' })).body;
    // Nothing a spreadsheet would run as a formula.
    expect(exported).not.toMatch(/(^|,)[=+@-]/m);
    const before = dumpDatabase(t.store.sqlite);
    const back = await importCsv(exported);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().unchanged).toHaveLength(1);
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
    expect((await t.inject({ url: `/api/v1/assets/${created.json().id}` })).json()).toMatchObject(values);
  });
});

describe('Snipe-IT file formats', () => {
  it("reads Snipe-IT's sample import layout: labels as headers, checkout columns, quoted commas and line breaks", async () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'snipe-it-sample-format.csv'), 'utf8');
    const res = await importCsv(text);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ignoredColumns).toEqual(['Company', 'Model Notes']);
    const list = (await t.inject({ url: '/api/v1/assets' })).json().items;
    const byTag = Object.fromEntries(list.map((a: { assetTag: string }) => [a.assetTag, a]));
    expect(byTag['LT-0001']).toMatchObject({
      name: 'Finance laptop 1',
      supplier: 'Northwind Traders, Inc.',
      purchaseCost: 1249,
      serial: '7XK3QW3',
      warrantyEnd: '2026-04-17',
      assigneeName: 'Jane Doe',
      assigneeUsername: 'jdoe',
      // Checked out to Jane: in use, whatever the label says.
      status: 'deployed',
    });
    // Checked out to a location: it is there, as Snipe-IT moves it on checkout.
    expect(byTag['WS-0107']).toMatchObject({
      location: 'Studio',
      notes: 'Two notes lines:\nGPU replaced under warranty in 2024',
      status: 'deployed',
    });
    expect(byTag['LT-0002'].status).toBe('ordered');
    expect(byTag['WS-0003'].status).toBe('retired');
  });

  it('accepts a UTF-8 byte order mark and bare LF line ends', async () => {
    const text = '\uFEFFAsset Tag,Serial Number,Name\nÜ-1,SERIAL-1,Bürorechner\n';
    const res = await importCsv(text);
    expect(res.statusCode, res.body).toBe(200);
    const asset = (await t.inject({ url: `/api/v1/assets?assetTag=${encodeURIComponent('Ü-1')}` })).json().items[0];
    expect(asset).toMatchObject({ serial: 'SERIAL-1', name: 'Bürorechner' });
  });

  it('refuses broken CSV, a missing tag column, other media types and files over the limit, changing nothing', async () => {
    const before = dumpDatabase(t.store.sqlite);
    const broken = await importCsv('asset_tag,name\nA-1,"never closed\n');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0]).toEqual({ path: '/2', message: 'line 2: a quoted field is never closed' });
    const noTag = await importCsv('serial,name\nS1,x\n');
    expect(noTag.json().errors[0]).toEqual({
      path: '/1',
      message: 'line 1: the header has no asset_tag column (read as comma-separated, UTF-8; its columns: serial, name)',
    });
    const plain = await t.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { 'content-type': 'text/plain' },
      payload: 'asset_tag\nA-1\n',
    });
    expect(plain.statusCode).toBe(415);
    const small = await createTestApp({ csvBodyLimit: 2048 });
    try {
      const big = await small.inject({
        method: 'POST',
        url: '/api/v1/assets/import',
        headers: { 'content-type': 'text/csv' },
        payload: csv(THOUSAND.slice(0, 100)),
      });
      expect(big.statusCode).toBe(413);
    } finally {
      await small.close();
    }
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);
  });

  it('requires a disposal record to import an asset as disposed, and keeps it on export and re-import', async () => {
    const header = [
      'asset_tag',
      'status',
      'disposal_method',
      'disposal_certificate',
      'disposal_vendor',
      'disposal_date',
    ];
    const refused = await importCsv(csv([['D-1', 'Disposed', '', '', '', '']], header));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      {
        path: '/2/disposal_method',
        message: expect.stringContaining('is required when the status becomes disposed'),
      },
    ]);
    const half = await importCsv(csv([['D-1', 'Disposed', 'shred', 'CERT-991', '', '31.02.2026']], header));
    expect(half.json().errors.map((e: { path: string }) => e.path)).toEqual(['/2/disposal_method', '/2/disposal_date']);
    const noVendor = await importCsv(csv([['D-1', 'Disposed', 'destroy', 'CERT-991', '', '2026-10-01']], header));
    expect(noVendor.json().errors.map((e: { path: string }) => e.path)).toEqual(['/2/disposal_vendor']);
    const ok = await importCsv(csv([['D-1', 'Disposed', 'destroy', 'CERT-991', 'Shred-It', '2026-10-01']], header));
    expect(ok.statusCode, ok.body).toBe(200);
    const exported = (await t.inject({ url: '/api/v1/assets/export.csv' })).body;
    expect(exported).toContain('Disposed');
    expect(exported).toContain('destroy,CERT-991,Shred-It,2026-10-01');
    const again = await importCsv(exported);
    expect(again.json().unchanged).toHaveLength(1);
  });
});

describe('large imports as jobs', () => {
  /** Reads the job until it is done; each read is a request the collector answers meanwhile. */
  async function follow(location: string): Promise<{ reads: number; job: Record<string, unknown> }> {
    for (let reads = 1; ; reads++) {
      const job = (await t.inject({ url: location })).json();
      if (job.state === 'succeeded' || job.state === 'failed') return { reads, job };
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('answers a file over the job threshold with 202 and a job that reports progress, then the outcome', async () => {
    await t.close();
    t = await createTestApp({ importJobThreshold: 10_000 });
    const started = await importCsv(csv(THOUSAND));
    expect(started.statusCode, started.body).toBe(202);
    const location = started.headers.location as string;
    expect(location).toBe(`/api/v1/imports/${started.json().id}`);
    expect(started.json()).toMatchObject({ resource: 'assets', dryRun: false, state: 'queued' });

    // Ordering, not timing: the health check is answered while the job has yet to finish.
    expect((await t.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.inject({ url: location })).json().state).not.toBe('succeeded');

    const { reads, job } = await follow(location);
    expect(reads).toBeGreaterThan(1);
    expect(job).toMatchObject({ state: 'succeeded', progress: { phase: 'done', done: 1000, total: 1000 } });
    expect((job.result as { created: unknown[] }).created).toHaveLength(1000);
    expect(count('assets')).toBe(1000);
    expect(count("audit_log WHERE entity_type = 'asset'")).toBe(1000);

    // The finished job's text is made once and sent as it is; it is the outcome the same file
    // gets as a synchronous answer, which the route's serializer writes.
    const again = await t.inject({ url: location });
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.json()).toEqual(job);
    await t.close();
    t = await createTestApp();
    const direct = await importCsv(csv(THOUSAND));
    expect(direct.statusCode, direct.body).toBe(200);
    expect(job.result).toEqual(direct.json());
  });

  it('takes Prefer: respond-async for any size, and reports a refused file as the failed job’s problem', async () => {
    const bad = THOUSAND.slice(0, 5).map((r, i) => (i === 3 ? r.map((c, k) => (k === 9 ? 'soon' : c)) : r));
    const started = await t.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { 'content-type': 'text/csv', prefer: 'respond-async' },
      payload: csv(bad),
    });
    expect(started.statusCode).toBe(202);
    expect(started.headers['preference-applied']).toBe('respond-async');
    const { job } = await follow(started.headers.location as string);
    expect(job).toMatchObject({
      state: 'failed',
      problem: { status: 400, errors: [{ path: '/5/purchase_date' }] },
    });
    expect(count('assets')).toBe(0);
  });

  it('refuses a file over the row limit with 413, whole', async () => {
    await t.close();
    t = await createTestApp({ csvRowLimit: 999 });
    const refused = await importCsv(csv(THOUSAND));
    expect(refused.statusCode).toBe(413);
    expect(refused.json().detail).toContain('more than 999 data rows');
    expect(count('assets')).toBe(0);
  });

  it('answers 404 for a job it does not know', async () => {
    const res = await t.inject({ url: '/api/v1/imports/0d1f0f4e-3a5c-4a53-9d0b-6f9f0c2e7a11' });
    expect(res.statusCode).toBe(404);
  });
});
