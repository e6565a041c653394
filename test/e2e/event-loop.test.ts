import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportJob } from '@stocktake/shared/api';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_BIN, type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

/**
 * Nothing holds the collector's event loop: a large CSV import runs as a job while probes and
 * agents are answered, a snapshot with an over-long array is refused by its length, and each
 * agent has a budget. Real processes: the collector, `stocktake` and `stocktake-collector`.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const STOCKTAKE_BIN = join(ROOT, 'collector', 'cli', 'bin', 'stocktake.mjs');
const SECRET = 'e2e-event-loop-secret';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runNode(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * An asset CSV of `rows` rows whose tags start with `prefix`, over 1 MiB (the job threshold) by
 * long notes rather than by many rows; `bad` rows get a date that is not one.
 */
function assetsCsv(prefix: string, rows: number, bad: ReadonlySet<number> = new Set()): string {
  const notes = 'n'.repeat(Math.max(0, Math.ceil((1.2 * 1024 * 1024) / rows) - 60));
  const lines = ['Asset Tag,Item Name,Serial Number,Purchase Date,Notes'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${prefix}-${i},Laptop ${i},SN-${prefix}-${i},${bad.has(i) ? 'soon' : '2024-01-31'},${notes}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('the event loop under load, against a real collector', () => {
  const dir = tempDir('stocktake-event-loop-');
  const dbPath = join(dir.path, 'stocktake.db');
  let collector: RunningCollector;
  let admin: Record<string, string>;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${collector.url}${path}`, { ...init, headers: { ...admin, ...(init.headers as Record<string, string>) } });

  async function enrol(hostname: string): Promise<{ agentId: string; agentToken: string }> {
    const res = await fetch(`${collector.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { agentId: string; agentToken: string };
  }

  const pushSnapshot = (token: string, body: unknown) =>
    fetch(`${collector.url}/api/v1/agent/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  async function finished(location: string): Promise<ImportJob> {
    for (;;) {
      const job = (await (await api(location)).json()) as ImportJob;
      if (job.state === 'succeeded' || job.state === 'failed') return job;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    collector = await startCollector({
      dbPath,
      enrollSecret: SECRET,
      extraArgs: ['--reconcile-cron', 'off', '--agent-rate-limit', '3'],
    });
    const token = await runNode(COLLECTOR_BIN, [
      'token',
      'create',
      '--db',
      dbPath,
      '--name',
      'e2e-admin',
      '--role',
      'admin',
    ]);
    expect(token.code, token.stderr).toBe(0);
    admin = { authorization: `Bearer ${token.stdout.trim()}` };
  });

  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('runs a large import as a job, answering probes and agents while it runs', async () => {
    const rows = 5_000;
    const started = await api('/api/v1/assets/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: assetsCsv('BIG', rows),
    });
    expect(started.status).toBe(202);
    const location = started.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v1\/imports\/[0-9a-f-]{36}$/);
    expect(((await started.json()) as ImportJob).state).toMatch(/^(queued|running)$/);

    // Ordering, not timing: a probe and an agent's snapshot are answered before the job is done.
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
    const { agentId, agentToken } = await enrol('during-import');
    expect((await pushSnapshot(agentToken, makeSnapshot({ agentId, hostname: 'during-import' }))).status).toBe(201);
    const during = (await (await api(location)).json()) as ImportJob;
    expect(during.state).not.toBe('succeeded');
    expect(during.state).not.toBe('failed');

    const done = await finished(location);
    expect(done.problem).toBeUndefined();
    expect(done.state).toBe('succeeded');
    expect(done.result?.rows).toBe(rows);
    expect(done.result?.created).toHaveLength(rows);
    const page = (await (await api('/api/v1/assets?q=BIG-4999')).json()) as { items: { assetTag: string }[] };
    expect(page.items.map((a) => a.assetTag)).toEqual(['BIG-4999']);
  }, 180_000);

  it('ends a job whose file has a bad row as failed, with the problem a small import answers, writing nothing', async () => {
    const started = await api('/api/v1/assets/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: assetsCsv('BAD', 4_000, new Set([3_900])),
    });
    expect(started.status).toBe(202);
    const done = await finished(started.headers.get('location') ?? '');
    expect(done.state).toBe('failed');
    expect(done.problem).toMatchObject({ status: 400, errors: [{ path: '/3902/Purchase Date' }] });
    const page = (await (await api('/api/v1/assets?q=BAD-1')).json()) as { items: unknown[] };
    expect(page.items).toEqual([]);
  }, 180_000);

  it('refuses a snapshot with an over-long array by its length, then holds the agent to its rate', async () => {
    const { agentId, agentToken } = await enrol('hostile');
    const snapshot = makeSnapshot({ agentId, hostname: 'hostile' });
    const items = Array.from({ length: 60_000 }, (_, i) => ({ bogus: i }));
    const refused = await pushSnapshot(agentToken, {
      ...snapshot,
      sections: { ...snapshot.sections, software: { ...snapshot.sections.software, data: items } },
    });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([
      { path: '/sections/software/data', message: 'must not have more than 50000 items (has 60000)' },
    ]);
    // Three a minute (--agent-rate-limit 3): the refused one counted.
    expect((await pushSnapshot(agentToken, makeSnapshot({ agentId, hostname: 'hostile' }))).status).toBe(201);
    expect((await pushSnapshot(agentToken, makeSnapshot({ agentId, hostname: 'hostile' }))).status).toBe(201);
    const limited = await pushSnapshot(agentToken, makeSnapshot({ agentId, hostname: 'hostile' }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('follows a job from `stocktake assets import`, and refuses a file over the limit before sending it', async () => {
    const file = join(dir.path, 'cli.csv');
    writeFileSync(file, assetsCsv('CLI', 3_000));
    const env = { ...process.env, STOCKTAKE_URL: collector.url, STOCKTAKE_TOKEN: admin.authorization?.slice(7) };
    const imported = await runNode(STOCKTAKE_BIN, ['assets', 'import', file], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^3000 rows: 3000 created, 0 updated, 0 unchanged$/m);

    const over = await runNode(STOCKTAKE_BIN, ['assets', 'import', file], { ...env, STOCKTAKE_CSV_BODY_LIMIT: '1024' });
    expect(over.code).toBe(6);
    expect(over.stderr).toContain('over the import limit of 1.0 KiB');
  }, 180_000);

  it('caps `stocktake-collector assets import` by size and by rows', async () => {
    const file = join(dir.path, 'admin.csv');
    writeFileSync(file, assetsCsv('ADM', 20));
    const bySize = await runNode(COLLECTOR_BIN, ['assets', 'import', file, '--db', dbPath, '--csv-body-limit', '1024']);
    expect(bySize.code).toBe(65);
    expect(bySize.stderr).toContain('over the import limit of 1024');
    const byRows = await runNode(COLLECTOR_BIN, ['assets', 'import', file, '--db', dbPath, '--csv-row-limit', '10']);
    expect(byRows.code).toBe(65);
    expect(byRows.stderr).toContain('more than 10 data rows');
    const page = (await (await api('/api/v1/assets?q=ADM-1')).json()) as { items: unknown[] };
    expect(page.items).toEqual([]);
  }, 120_000);
});
