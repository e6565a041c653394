import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diffSnapshot } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleValue } from '../../../test-support/prometheus-text.ts';
import { bearer, createTestApp, enrolAgent, type TestApp } from '../../../test-support/test-app.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

let t: TestApp | undefined;
let hook: Server | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  await new Promise<void>((done) => (hook ? hook.close(() => done()) : done()));
  hook = undefined;
});

async function scrape(app: TestApp): Promise<string> {
  const res = await app.inject({ url: '/metrics', headers: bearer(METRICS_TOKEN) });
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

/** A webhook receiver that fails every delivery: what the webhook metrics must count. */
async function failingWebhook(): Promise<string> {
  hook = createServer((_req, res) => {
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((done) => hook?.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
}

describe('GET /metrics', () => {
  it('answers the metrics token only: no token, an admin API token or a wrong one get 401', async () => {
    t = await createTestApp({ metricsToken: METRICS_TOKEN });
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: bearer(t.adminToken) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: bearer(`${METRICS_TOKEN}x`) })).statusCode).toBe(401);
    const res = await t.app.inject({ url: '/metrics', headers: bearer(METRICS_TOKEN) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    // The metrics token opens nothing else.
    expect((await t.app.inject({ url: '/api/v1/devices', headers: bearer(METRICS_TOKEN) })).statusCode).toBe(401);
  });

  it('is not there without a metrics token configured', async () => {
    t = await createTestApp();
    expect((await t.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('moves after ingests (full, delta, resync), a reconciliation and a failing webhook', async () => {
    t = await createTestApp({
      metricsToken: METRICS_TOKEN,
      reconciliation: {
        webhookUrl: await failingWebhook(),
        webhookMinSeverity: 'info',
        webhook: { maxAttempts: 2, baseDelayMs: 1 },
      },
    });
    const app = t;
    const before = await scrape(app);
    expect(sampleValue(before, 'stocktake_ingests_total', { kind: 'full', outcome: 'stored' })).toBe(0);
    expect(sampleValue(before, 'stocktake_reconciliation_runs_total', { outcome: 'succeeded' })).toBe(0);
    expect(sampleValue(before, 'stocktake_reconciliation_last_success_timestamp_seconds')).toBeUndefined();
    expect(sampleValue(before, 'stocktake_webhook_attempts_total', { outcome: 'given_up' })).toBe(0);
    expect(sampleValue(before, 'stocktake_agents_online')).toBe(0);
    expect(sampleValue(before, 'stocktake_database_bytes')).toBeGreaterThan(0);
    expect(sampleValue(before, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    const batchesBefore = sampleValue(before, 'stocktake_write_batches_total') ?? Number.NaN;

    const agent = await enrolAgent(app.app);
    const post = (url: string, payload: object) =>
      app.inject({ method: 'POST', url, headers: bearer(agent.agentToken), payload });
    const base = makeSnapshot({ agentId: agent.agentId, serial: 'SER-METRICS' });
    expect((await post('/api/v1/agent/snapshots', base)).statusCode).toBe(201);
    expect((await post('/api/v1/agent/snapshots', base)).statusCode).toBe(200);
    const later = makeSnapshot({ agentId: agent.agentId, serial: 'SER-METRICS' });
    later.identity = base.identity;
    expect((await post('/api/v1/agent/deltas', diffSnapshot(base, later))).statusCode).toBe(201);
    const stale = diffSnapshot({ ...base, snapshotId: randomUUID() }, makeSnapshot({ agentId: agent.agentId }));
    expect((await post('/api/v1/agent/deltas', stale)).statusCode).toBe(409);

    const ingested = await scrape(app);
    expect(sampleValue(ingested, 'stocktake_ingests_total', { kind: 'full', outcome: 'stored' })).toBe(1);
    expect(sampleValue(ingested, 'stocktake_ingests_total', { kind: 'full', outcome: 'duplicate' })).toBe(1);
    expect(sampleValue(ingested, 'stocktake_ingests_total', { kind: 'delta', outcome: 'stored' })).toBe(1);
    expect(sampleValue(ingested, 'stocktake_ingests_total', { kind: 'resync', outcome: 'refused' })).toBe(1);
    expect(sampleValue(ingested, 'stocktake_ingest_duration_seconds_count', { kind: 'full' })).toBe(2);
    expect(sampleValue(ingested, 'stocktake_ingest_duration_seconds_count', { kind: 'delta' })).toBe(1);
    expect(sampleValue(ingested, 'stocktake_last_ingest_timestamp_seconds')).toBeGreaterThan(0);
    expect(sampleValue(ingested, 'stocktake_write_batches_total')).toBeGreaterThan(batchesBefore);
    expect(sampleValue(ingested, 'stocktake_write_batch_units_total')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(ingested, 'stocktake_write_queue_depth')).toBe(0);

    expect((await app.inject({ method: 'POST', url: '/api/v1/reconciliations' })).statusCode).toBe(200);
    const reconciled = await scrape(app);
    expect(sampleValue(reconciled, 'stocktake_reconciliation_runs_total', { outcome: 'succeeded' })).toBe(1);
    expect(sampleValue(reconciled, 'stocktake_reconciliation_duration_seconds_count', { outcome: 'succeeded' })).toBe(
      1,
    );
    const lastSuccess = sampleValue(reconciled, 'stocktake_reconciliation_last_success_timestamp_seconds') ?? 0;
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(600);
    // The device is in no register: it is an unregistered device, open.
    expect(
      sampleValue(reconciled, 'stocktake_findings_open', { type: 'unregistered_device', severity: 'medium' }),
    ).toBeGreaterThanOrEqual(1);

    // Both attempts of the delivery fail (503): one retry, then given up.
    let webhook = reconciled;
    while (sampleValue(webhook, 'stocktake_webhook_attempts_total', { outcome: 'given_up' }) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      webhook = await scrape(app);
    }
    expect(sampleValue(webhook, 'stocktake_webhook_attempts_total', { outcome: 'retrying' })).toBe(1);
    expect(sampleValue(webhook, 'stocktake_webhook_attempts_total', { outcome: 'given_up' })).toBe(1);
    expect(sampleValue(webhook, 'stocktake_webhook_attempts_total', { outcome: 'delivered' })).toBe(0);
  });

  it('counts how long the event loop was held', async () => {
    t = await createTestApp({ metricsToken: METRICS_TOKEN });
    const before = await scrape(t);
    const held = (text: string) =>
      (sampleValue(text, 'stocktake_event_loop_delay_seconds_count') ?? 0) -
      (sampleValue(text, 'stocktake_event_loop_delay_seconds_bucket', { le: '0.2' }) ?? 0);
    // The loop held for 300 ms: the sampler's next timer runs at least 280 ms late.
    const until = performance.now() + 300;
    while (performance.now() < until) {}
    await new Promise((r) => setTimeout(r, 50));
    expect(held(await scrape(t)) - held(before)).toBeGreaterThanOrEqual(1);
  });

  it('counts the agents holding a live channel', async () => {
    t = await createTestApp({ metricsToken: METRICS_TOKEN });
    const socket = { send: () => undefined, close: () => undefined };
    const disconnect = t.app.presence.connect('agent-live', socket);
    expect(sampleValue(await scrape(t), 'stocktake_agents_online')).toBe(1);
    disconnect();
    expect(sampleValue(await scrape(t), 'stocktake_agents_online')).toBe(0);
  });
});
