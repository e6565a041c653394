import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../compose/app.ts';
import scheduler from './scheduler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string | undefined;
let built: FastifyInstance | undefined;
afterEach(async () => {
  await built?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  built = undefined;
  dir = undefined;
});

describe('job scheduler', () => {
  it('runs a job on its cron schedule, never two at once, and stops on close', async () => {
    const app = Fastify({ logger: false });
    let running = 0;
    let most = 0;
    let runs = 0;
    let failures = 0;
    await app.register(scheduler, {
      jobs: [
        {
          name: 'slow',
          schedule: '* * * * * *',
          async run() {
            running++;
            most = Math.max(most, running);
            runs++;
            await sleep(1500);
            running--;
          },
        },
        {
          name: 'broken',
          schedule: '* * * * * *',
          async run() {
            failures++;
            throw new Error('boom');
          },
        },
      ],
    });
    await app.ready();
    await sleep(3200);
    await app.close();
    const after = runs;
    expect(runs).toBeGreaterThanOrEqual(1);
    // Ticks every second against a 1.5 s job: without overlap protection there would be 3.
    expect(runs).toBeLessThanOrEqual(2);
    expect(most).toBe(1);
    // A failing job keeps its schedule.
    expect(failures).toBeGreaterThanOrEqual(2);
    await sleep(1200);
    expect(runs).toBe(after);
  });

  it('reconciles on the configured schedule, recorded as a scheduled run', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-schedule-'));
    const app = await buildApp({
      dbPath: join(dir, 'stocktake.db'),
      enrollSecret: 'test-enroll-secret',
      snapshotBodyLimit: 1024 * 1024,
      bodyLimit: 1024 * 1024,
      pruneIntervalMs: 0,
      reconciliation: { schedule: '* * * * * *' },
      logger: false,
    });
    built = app;
    await app.ready();
    const token = (await app.stores.apiTokens.create({ name: 'reader', role: 'reader' }, 'test')).secret;
    let items: { trigger: string; actor: string; status: string }[] = [];
    // Until the first run has finished: under load the list may show it still running.
    for (let i = 0; i < 80 && !items.some((r) => r.status === 'succeeded'); i++) {
      await sleep(100);
      items = (
        await app.inject({ url: '/api/v1/reconciliations', headers: { authorization: `Bearer ${token}` } })
      ).json().items;
    }
    expect(items.find((r) => r.status === 'succeeded')).toMatchObject({ trigger: 'schedule', actor: 'schedule' });
  });
});
