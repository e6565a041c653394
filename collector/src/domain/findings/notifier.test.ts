import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier, type WebhookPayload } from './notifier.ts';
import { defaultPolicy } from './policies.ts';
import type { OpenedFinding, RunRecord } from './ports.ts';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: WebhookPayload;
}

let server: Server;
let url: string;
let received: Received[];
/** Status codes to answer, in order; 200 once they run out. */
let answers: number[];

beforeEach(async () => {
  received = [];
  answers = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: JSON.parse(body) });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const log = pino({ level: 'silent' });
const sender = { log, collectorVersion: '0.0.0-test' };
const run = {
  id: 7,
  trigger: 'schedule',
  startedAt: '2026-11-22T12:00:00.000Z',
  finishedAt: '2026-11-22T12:00:01.000Z',
} as RunRecord;
const finding = (id: number, severity: OpenedFinding['severity']): OpenedFinding => ({
  id,
  type: 'retired_asset_active',
  severity,
  subject: { kind: 'asset', id: `asset-${id}`, subKey: null },
  summary: `asset ${id} is retired but reports`,
  facts: { assetTag: `LT-${id}` },
  reason: 'new',
});

describe('webhook notifications', () => {
  it('posts findings at or above the severity, retrying with exponential backoff until the receiver takes them', async () => {
    answers = [503, 500];
    const notifier = createWebhookNotifier(() => ({ url, minSeverity: 'high' }), sender, { baseDelayMs: 40 });
    const started = Date.now();
    notifier.notify([finding(1, 'critical'), finding(2, 'medium'), finding(3, 'high')], run, defaultPolicy());
    // notify returns at once: nothing has been sent yet.
    expect(received).toHaveLength(0);
    await notifier.drain();
    expect(received).toHaveLength(3);
    const [first, second, third] = received as [Received, Received, Received];
    expect(second.at - first.at).toBeGreaterThanOrEqual(35);
    expect(third.at - second.at).toBeGreaterThanOrEqual(75);
    expect(third.at - started).toBeLessThan(2000);
    expect(received.map((r) => r.headers['x-stocktake-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(received.map((r) => r.headers['x-stocktake-delivery']))).toEqual(new Set(['run-7-1']));
    expect(third.headers['content-type']).toBe('application/json');
    expect(third.body).toMatchObject({
      event: 'findings.opened',
      run: { id: 7, trigger: 'schedule' },
      batch: { index: 1, of: 1 },
      findings: [
        { id: 1, severity: 'critical', href: '/api/v1/findings/1', reason: 'new' },
        { id: 3, severity: 'high', href: '/api/v1/findings/3' },
      ],
    });
  });

  it('gives up after the last attempt, and at once on a refusal that retrying cannot fix', async () => {
    answers = [500, 500, 500, 500];
    const notifier = createWebhookNotifier(() => ({ url, minSeverity: 'info' }), sender, {
      baseDelayMs: 5,
      maxAttempts: 3,
    });
    notifier.notify([finding(1, 'low')], run, defaultPolicy());
    await notifier.drain();
    expect(received).toHaveLength(3);
    received = [];
    answers = [400];
    notifier.notify([finding(2, 'low')], run, defaultPolicy());
    await notifier.drain();
    expect(received).toHaveLength(1);
  });

  it('sends big batches in several posts, nothing below the severity or without a target, and stops on close', async () => {
    const notifier = createWebhookNotifier(() => ({ url, minSeverity: 'low' }), sender, { batchSize: 2 });
    notifier.notify(
      [1, 2, 3, 4, 5].map((i) => finding(i, 'low')),
      run,
      defaultPolicy(),
    );
    await notifier.drain();
    expect(received.map((r) => r.body.batch)).toEqual(
      expect.arrayContaining([
        { index: 1, of: 3 },
        { index: 2, of: 3 },
        { index: 3, of: 3 },
      ]),
    );
    received = [];
    notifier.notify([finding(9, 'info')], run, defaultPolicy());
    createWebhookNotifier(() => undefined, sender).notify([finding(9, 'critical')], run, defaultPolicy());
    await notifier.drain();
    expect(received).toHaveLength(0);

    answers = [503, 503, 503];
    const slow = createWebhookNotifier(() => ({ url, minSeverity: 'info' }), sender, { baseDelayMs: 60_000 });
    slow.notify([finding(10, 'high')], run, defaultPolicy());
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    slow.close();
    await slow.drain();
    expect(received).toHaveLength(1);
  });
});
