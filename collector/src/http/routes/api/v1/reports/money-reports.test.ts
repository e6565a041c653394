import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPORT_NAMES, type Report } from '@stocktake/shared/api';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

/**
 * A planted register with figures worked out by hand (the period is 2026, so book values are
 * as of 2026-12-31; laptops live 48 months, desktops 60, servers 72):
 * - LAP-1, a laptop bought mid-year (2026-07-01, 1,461: 48 months are 1,461 days, so it loses 1 a
 *   day; 183 days by 2026-12-31, book value 1,278), holding an Acme CAD device seat (30) and half
 *   of alice's Acme Office user seat (120, shared with SRV-1): TCO 1,461 + 30 + 60 = 1,551.
 * - SRV-1, a server (2024-01-01, 6,000) with a support contract (1,200 to 2027-01-31) and the other
 *   half of alice's seat: TCO 6,000 + 1,200 + 60 = 7,260.
 * - DESK-1, a desktop (2022-01-01, 1,826) disposed of on 2026-06-30 with proceeds of 150: TCO 1,676.
 * - OLD-1, a laptop bought 2023-03-15 (1,100): its end of life (2027-03-15) puts it in 2027-Q1.
 * - WORN-1, a young laptop (2025-06-01, 1,300) whose battery holds 38 of 50 Wh: due now (2026-Q4).
 * Acme CAD has 20 seats to 2027-02-05 at 30 and one install: 19 unused, 570 at renewal.
 */
const ROOT = join(import.meta.dirname, '../../../../../../..');
/** Page 1 of each report goes beside the console's pictures (or where STOCKTAKE_SCREENSHOTS says). */
const SCREENSHOTS = resolve(ROOT, process.env.STOCKTAKE_SCREENSHOTS || 'docs/screenshots');
const NOW = new Date('2026-12-07T12:00:00Z');
let t: TestApp;
let work: string;

async function send(method: 'POST' | 'PATCH' | 'PUT', url: string, payload: object) {
  const res = await t.inject({ method, url, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

async function report(serial: string, hostname: string, software: string[], hardware = {}) {
  const agent = await enrolAgent(t.app);
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: makeSnapshot({
      agentId: agent.agentId,
      serial,
      hostname,
      at: NOW,
      hardware,
      software: software.map((name) => ({ name, version: '1', source: 'registry' as const })),
    }),
  });
  expect(res.statusCode, res.body).toBe(201);
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  work = mkdtempSync(join(tmpdir(), 'stocktake-reports-'));
  t = await createTestApp();
  await send('PUT', '/api/v1/policies', { reports: { collectorName: 'collector.example.org' } });
  const asset = (tag: string, fields: object) =>
    send('POST', '/api/v1/assets', { assetTag: tag, serial: `SN-${tag}`, status: 'deployed', ...fields });
  await asset('LAP-1', {
    model: 'Latitude 5440',
    category: 'Laptops',
    costCenter: 'CC-100',
    location: 'Berlin',
    purchaseDate: '2026-07-01',
    purchaseCost: 1461,
    assigneeUsername: 'alice',
  });
  await asset('SRV-1', {
    model: 'PowerEdge R760',
    category: 'Servers',
    costCenter: 'CC-200',
    location: 'Berlin',
    supplier: 'Dell',
    purchaseDate: '2024-01-01',
    purchaseCost: 6000,
    supportCost: 1200,
    supportStart: '2024-01-01',
    supportEnd: '2027-01-31',
    assigneeUsername: 'alice',
  });
  const desk = await asset('DESK-1', {
    model: 'OptiPlex 7010',
    category: 'Desktop',
    costCenter: 'CC-100',
    location: 'Paris',
    purchaseDate: '2022-01-01',
    purchaseCost: 1826,
    status: 'retired',
  });
  await send('PATCH', `/api/v1/assets/${desk.id}`, {
    status: 'disposed',
    disposal: { method: 'purge', certificateRef: 'CERT-0042', vendor: 'Shred-It', date: '2026-06-30', proceeds: 150 },
  });
  await asset('OLD-1', { model: 'Latitude 5440', category: 'Laptop', purchaseDate: '2023-03-15', purchaseCost: 1100 });
  await asset('WORN-1', { model: 'ThinkPad T14', category: 'Laptop', purchaseDate: '2025-06-01', purchaseCost: 1300 });
  await report('SN-LAP-1', 'lap-1', ['Acme CAD', 'Acme Office']);
  await report('SN-SRV-1', 'srv-1', ['Acme Office']);
  await report('SN-WORN-1', 'worn-1', [], {
    batteries: [{ manufacturer: 'LGC', designCapacityWh: 50, fullCapacityWh: 38 }],
  });
  await send('POST', '/api/v1/licenses', {
    product: 'Acme CAD',
    seats: 20,
    termEnd: '2027-02-05',
    costPerSeat: 30,
    orderNumber: 'PO-7',
  });
  await send('POST', '/api/v1/licenses', { product: 'Acme Office', metric: 'per_user', seats: 5, costPerSeat: 120 });
});

afterAll(async () => {
  await t.close();
  vi.useRealTimers();
  rmSync(work, { recursive: true, force: true });
});

async function json(name: string, query = 'period=2026'): Promise<Report> {
  const res = await t.inject({ url: `/api/v1/reports/${name}?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const rowsOf = (r: Report, section: string) => r.sections.find((s) => s.name === section)?.rows ?? [];
const figureOf = (r: Report, label: string) => r.summary.find((s) => s.label === label)?.value;

describe('the money reports on a planted register', () => {
  it('tco: book values, TCO per asset and rolled up', async () => {
    const tco = await json('tco');
    expect(tco.period).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    const byTag = Object.fromEntries(rowsOf(tco, 'assets').map((r) => [r.assetTag, r]));
    expect(byTag['LAP-1']).toMatchObject({ bookValue: 1278, depreciationInPeriod: 183, licenseCost: 90, tco: 1551 });
    expect(byTag['SRV-1']).toMatchObject({ bookValue: 3002.74, supportCost: 1200, licenseCost: 60, tco: 7260 });
    expect(byTag['DESK-1']).toMatchObject({
      bookValue: 0,
      depreciationInPeriod: 181,
      disposalProceeds: 150,
      tco: 1676,
    });
    expect(figureOf(tco, 'Total cost of ownership')).toBe(1551 + 7260 + 1676 + 1100 + 1300);
    const rollup = rowsOf(tco, 'rollups').find((r) => r.dimension === 'Cost centre' && r.value === 'CC-100');
    expect(rollup).toMatchObject({ assets: 2, purchaseCost: 1461 + 1826, tco: 1551 + 1676 });
  });

  it('refresh-forecast: an age-driven asset and a battery-driven one, each with its reason', async () => {
    const f = await json('refresh-forecast');
    expect(rowsOf(f, 'assets').map((r) => [r.assetTag, r.quarter, r.reasons, r.replacementCost])).toEqual([
      ['WORN-1', '2026-Q4', 'battery holds 76% of its design capacity (38 of 50 Wh; minimum 80%)', 1300],
      ['OLD-1', '2027-Q1', 'end of life 2027-03-15', 1461],
    ]);
    expect(rowsOf(f, 'quarters')).toHaveLength(8);
  });

  it('renewals: seats owned, used and unused with their cost', async () => {
    const r = await json('renewals');
    expect(rowsOf(r, 'renewals').map((x) => [x.subject, x.window, x.seats, x.used, x.unused, x.unusedCost])).toEqual([
      ['SRV-1', 90, null, null, null, null],
      ['Acme CAD', 90, 20, 1, 19, 570],
    ]);
  });

  it('disposals: the certificate register of the period, and none outside it', async () => {
    const d = await json('disposals');
    expect(rowsOf(d, 'disposals')).toEqual([
      expect.objectContaining({
        assetTag: 'DESK-1',
        method: 'purge',
        certificate: 'CERT-0042',
        vendor: 'Shred-It',
        proceeds: 150,
      }),
    ]);
    expect(rowsOf(await json('disposals', 'from=2026-07-01&to=2026-09-30'), 'disposals')).toEqual([]);
  });

  it('refuses a period that ends before it starts, and a period beside from and to', async () => {
    expect((await t.inject({ url: '/api/v1/reports/tco?from=2026-05-01&to=2026-04-01' })).statusCode).toBe(400);
    expect((await t.inject({ url: '/api/v1/reports/tco?period=2026&from=2026-01-01' })).statusCode).toBe(400);
    expect((await t.inject({ url: '/api/v1/reports/nonsense' })).statusCode).toBe(400);
  });

  it('CSV: one section with flat cells, the section asked for', async () => {
    const res = await t.inject({
      url: '/api/v1/reports/tco?period=2026&section=rollups',
      headers: { accept: 'text/csv' },
    });
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'dimension,value,assets,purchaseCost,depreciationInPeriod,bookValue,supportCost,licenseCost,disposalProceeds,tco',
    );
    expect(lines).toContain('Cost centre,CC-100,2,3287,364,1278,0,90,150,3227');
    expect(res.body).not.toMatch(/[{[]/);
    const audit = await t.inject({ url: '/api/v1/reports/audit-pack?period=2026&format=csv&section=findings' });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).not.toContain('{');
  });

  it('findings and licenses as CSV: evidence as text, and seats, used and position per license', async () => {
    expect((await t.inject({ method: 'POST', url: '/api/v1/reconciliations' })).statusCode).toBeLessThan(300);
    const findings = await t.inject({ url: '/api/v1/findings', headers: { accept: 'text/csv' } });
    expect(findings.statusCode).toBe(200);
    expect(findings.body).toContain('kind: product; id: Acme CAD; subKey: per_device');
    expect(findings.body).toContain('facts.seats: 20; facts.used: 1; facts.unused: 19');
    expect(findings.body).not.toContain('{');
    const licenses = (await t.inject({ url: '/api/v1/licenses/export.csv' })).body.trim().split(/\r?\n/);
    expect(licenses[0]?.endsWith(',position_seats,used,position')).toBe(true);
    // Acme CAD renews within the 90-day horizon with 19 of its 20 seats unused: shelfware.
    expect(licenses.find((l) => l.startsWith('Acme CAD,'))?.endsWith(',20,1,shelfware')).toBe(true);
    expect(licenses.find((l) => l.startsWith('Acme Office,'))?.endsWith(',5,1,within')).toBe(true);
  });

  it('the summary answers its license compliance as CSV or PDF when asked, not JSON', async () => {
    const csv = await t.inject({ url: '/api/v1/reports/summary', headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split(/\r?\n/)[0]).toBe(
      'product,metric,seats,used,devices,users,available,over,state,unusedSeatsCost,orders',
    );
    const pdf = await t.inject({ url: '/api/v1/reports/summary', headers: { accept: 'application/pdf' } });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('every report as PDF, read back', () => {
  const expected: Record<(typeof REPORT_NAMES)[number], string[]> = {
    tco: ['Total cost of ownership', '12,887.00', '1,551.00', '3,002.74', 'Cost centre'],
    'refresh-forecast': ['Refresh forecast', 'WORN-1', 'battery holds 76%', '2027-Q1', '2,761.00'],
    renewals: ['Renewal calendar', 'Acme CAD', '570.00', '1,200.00'],
    'license-compliance': ['License compliance', 'Acme Office', 'per_user', 'PO-7'],
    disposals: ['Disposals', 'CERT-0042', 'Shred-It', '150.00'],
    'inventory-accuracy': ['Inventory accuracy', 'OLD-1', 'serial'],
    'audit-pack': ['Audit pack', 'CERT-0042', 'Register changes', 'Open findings', 'Acme CAD'],
  };
  for (const name of REPORT_NAMES) {
    it(`${name}: title page with period and collector, figures, page numbers; page 1 to PNG`, async () => {
      const res = await t.inject({ url: `/api/v1/reports/${name}?period=2026&format=pdf` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const file = join(work, `${name}.pdf`);
      writeFileSync(file, res.rawPayload);
      const text = pdfText(file);
      expect(text).toContain('Period: 2026-01-01 to 2026-12-31');
      expect(text).toContain('Collector: ');
      for (const figure of expected[name]) expect(text).toContain(figure);
      const pages = text.split('\f').filter((p) => p.trim() !== '').length;
      expect(text).toContain(`Page 1 of ${pages}`);
      expect(text).toContain(`Page ${pages} of ${pages}`);
      mkdirSync(SCREENSHOTS, { recursive: true });
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        file,
        join(SCREENSHOTS, `report-${name}`),
      ]);
    });
  }

  it('breaks a long table across pages between rows, the header repeated', async () => {
    for (let i = 0; i < 80; i++) {
      await send('POST', '/api/v1/assets', {
        assetTag: `BULK-${String(i).padStart(3, '0')}`,
        purchaseDate: '2026-01-15',
        purchaseCost: 100,
      });
    }
    const res = await t.inject({ url: '/api/v1/reports/tco?period=2026&format=pdf' });
    const file = join(work, 'long.pdf');
    writeFileSync(file, res.rawPayload);
    const pages = pdfText(file).split('\f');
    const continued = pages.filter((p) => p.includes('Per asset (continued)'));
    expect(continued.length).toBeGreaterThan(0);
    for (const p of continued) expect(p).toContain('Asset tag');
    // Every row printed once: no row lost or split at a page break.
    const all = pages.join('\n');
    for (let i = 0; i < 80; i++)
      expect(all.match(new RegExp(`BULK-${String(i).padStart(3, '0')}\\b`, 'g'))?.length).toBe(1);
  });
});
