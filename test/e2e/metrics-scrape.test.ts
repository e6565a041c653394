import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleValue } from '../../collector/src/test-support/prometheus-text.ts';
import { apiHeaders } from '../support/agent-service.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'metrics-e2e-enroll-secret';

/** The README's scrape: curl with the metrics token as a bearer token. */
function curl(url: string, token: string): Promise<{ code: number; body: string }> {
  return new Promise((done) => {
    execFile('curl', ['-sS', '-f', '-H', `Authorization: Bearer ${token}`, url], (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, body: stdout || stderr });
    });
  });
}

/** A token as the README makes it: `openssl rand -hex 16`. */
function randomHex(): Promise<string> {
  return new Promise((done, fail) => {
    execFile('openssl', ['rand', '-hex', '16'], (error, stdout) => (error ? fail(error) : done(stdout.trim())));
  });
}

describe('a real collector scraped as the README says', { timeout: 300_000 }, () => {
  const dir = tempDir('stocktake-metrics-e2e-');
  let collector: RunningCollector | undefined;
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('serves /metrics to the metrics token; the figures move after an ingest over HTTP and a reconciliation', async () => {
    const token = await randomHex();
    const dbPath = join(dir.path, 'stocktake.db');
    collector = await startCollector({ dbPath, enrollSecret: SECRET, env: { STOCKTAKE_METRICS_TOKEN: token } });
    const metrics = `${collector.url}/metrics`;

    const before = await curl(metrics, token);
    expect(before.code, before.body).toBe(0);
    expect(sampleValue(before.body, 'stocktake_ingests_total', { kind: 'full', outcome: 'stored' })).toBe(0);
    expect(sampleValue(before.body, 'stocktake_reconciliation_runs_total', { outcome: 'succeeded' })).toBe(0);
    // Another token is refused (curl -f: exit 22 on an HTTP error).
    expect((await curl(metrics, `${token}0`)).code).toBe(22);

    const enrolled = await fetch(`${collector.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname: 'ws-metrics', agentVersion: '0.1.0', platform: 'linux' }),
    });
    const agent = (await enrolled.json()) as { agentId: string; agentToken: string };
    const pushed = await fetch(`${collector.url}/api/v1/agent/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(makeSnapshot({ agentId: agent.agentId, hostname: 'ws-metrics' })),
    });
    expect(pushed.status).toBe(201);
    const run = await fetch(`${collector.url}/api/v1/reconciliations`, {
      method: 'POST',
      headers: await apiHeaders(dbPath),
    });
    expect(run.status).toBe(200);

    const after = await curl(metrics, token);
    expect(after.code, after.body).toBe(0);
    expect(sampleValue(after.body, 'stocktake_ingests_total', { kind: 'full', outcome: 'stored' })).toBe(1);
    expect(sampleValue(after.body, 'stocktake_ingest_duration_seconds_count', { kind: 'full' })).toBe(1);
    expect(sampleValue(after.body, 'stocktake_reconciliation_runs_total', { outcome: 'succeeded' })).toBe(1);
    expect(sampleValue(after.body, 'stocktake_reconciliation_last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(
      sampleValue(after.body, 'stocktake_findings_open', { type: 'unregistered_device', severity: 'medium' }),
    ).toBe(1);
    expect(sampleValue(after.body, 'stocktake_database_bytes')).toBeGreaterThan(0);
  });
});
