import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_BIN, type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STOCKTAKE_BIN = join(ROOT, 'collector', 'cli', 'bin', 'stocktake.mjs');

function run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** The first and last days of the quarter before today's, as the collector counts them (UTC). */
function lastQuarter(now = new Date()): { from: string; to: string } {
  const q = Math.floor(now.getUTCMonth() / 3);
  const start = new Date(Date.UTC(now.getUTCFullYear(), (q - 1) * 3, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), q * 3, 0));
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

describe('the README: an asset manager takes last quarter’s audit pack in one command', { timeout: 300_000 }, () => {
  const dir = tempDir('stocktake-report-e2e-');
  const dbPath = join(dir.path, 'stocktake.db');
  let collector: RunningCollector;
  let env: NodeJS.ProcessEnv;
  const period = lastQuarter();

  beforeAll(async () => {
    collector = await startCollector({
      dbPath,
      enrollSecret: 'e2e-report-secret',
      extraArgs: ['--reconcile-cron', 'off'],
    });
    const token = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        [COLLECTOR_BIN, 'token', 'create', '--db', dbPath, '--name', 'finance', '--role', 'admin'],
        (err, out) => (err ? fail(err) : done(out.trim())),
      ),
    );
    env = { ...process.env, HOME: dir.path, STOCKTAKE_URL: collector.url, STOCKTAKE_TOKEN: token };
    const api = (method: string, path: string, body: object) =>
      fetch(`${collector.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => {
        expect(r.status, await r.clone().text()).toBeLessThan(300);
        return (await r.json()) as { id: string };
      });
    const asset = await api('POST', '/api/v1/assets', { assetTag: 'LT-0099', serial: 'SN-0099', status: 'retired' });
    await api('PATCH', `/api/v1/assets/${asset.id}`, {
      status: 'disposed',
      disposal: {
        method: 'destroy',
        certificateRef: 'CERT-E2E-7',
        vendor: 'Recyclers Ltd',
        date: period.from,
        proceeds: 35,
      },
    });
  });
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('stocktake report audit-pack --period last-quarter --format pdf --output audit-pack.pdf', async () => {
    const file = join(dir.path, 'audit-pack.pdf');
    const result = await run(
      STOCKTAKE_BIN,
      ['report', 'audit-pack', '--period', 'last-quarter', '--format', 'pdf', '--output', file],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Audit pack');
    expect(text).toContain(`Period: ${period.from} to ${period.to}`);
    expect(text).toContain('CERT-E2E-7');
    expect(text).toContain('Recyclers Ltd');
  });

  it('refuses a PDF without a file, and an unknown report, as usage errors', async () => {
    expect((await run(STOCKTAKE_BIN, ['report', 'audit-pack', '--format', 'pdf'], env)).code).toBe(64);
    expect((await run(STOCKTAKE_BIN, ['report', 'audit-pak'], env)).code).toBe(64);
  });

  it('prints a CSV table to stdout', async () => {
    const result = await run(
      STOCKTAKE_BIN,
      ['report', 'disposals', '--period', 'last-quarter', '--format', 'csv'],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split(/\r?\n/)[0]).toBe(
      'date,assetTag,serial,model,method,certificate,vendor,recordedBy,recordedAt,proceeds',
    );
    expect(result.stdout).toContain('CERT-E2E-7');
  });
});
