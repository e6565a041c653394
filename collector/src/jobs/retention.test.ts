import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runRegisterCommand } from '../commands/register-commands.ts';
import { ConfigError, resolveConfig } from '../config.ts';
import { createTestApp, enrolAgent, ingestAt, sqliteOf, type TestApp } from '../test-support/test-app.ts';
import { createRetentionJob, type SnapshotPruning } from './retention.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 60 * 60 * 1000;

describe('retention schedule', () => {
  it('prunes past the window, then thins repeats past their age, on its own', async () => {
    t = await createTestApp({ pruneIntervalMs: 50, snapshotRetentionDays: 30, snapshotThinAfterHours: 24 });
    const app = t.app;
    const { agentId, agentToken } = await enrolAgent(app);
    const software = [dpkgItem('curl', '7.88.1')];
    const now = Date.now();
    // Received 40 days ago (pruned), three times two days ago within the hour on the same UTC
    // day (two thinned), an hour ago twice (too young to thin), and the latest.
    const twoDaysAgo = new Date(now - 2 * 24 * HOUR);
    twoDaysAgo.setUTCHours(10, 0, 0, 0);
    const times = [
      new Date(now - 40 * 24 * HOUR),
      twoDaysAgo,
      new Date(twoDaysAgo.getTime() + 10 * 60 * 1000),
      new Date(twoDaysAgo.getTime() + 20 * 60 * 1000),
      new Date(now - HOUR),
      new Date(now - HOUR / 2),
      new Date(now),
    ];
    for (const at of times) await ingestAt(app, agentToken, makeSnapshot({ agentId, at, software }), at);
    const count = () => (sqliteOf(app).sqlite.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number }).n;
    expect(count()).toBe(7);
    await vi.waitFor(() => expect(count()).toBe(4), { timeout: 5_000, interval: 25 });
    // Settled: another round changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(count()).toBe(4);
  });

  it('keeps every snapshot in the window when thinning is off', async () => {
    t = await createTestApp({ pruneIntervalMs: 50, snapshotRetentionDays: 30, snapshotThinAfterHours: 0 });
    const app = t.app;
    const { agentId, agentToken } = await enrolAgent(app);
    const at = new Date(Date.now() - 3 * 24 * HOUR);
    for (let i = 0; i < 3; i++) {
      const when = new Date(at.getTime() + i * 60_000);
      await ingestAt(app, agentToken, makeSnapshot({ agentId, at: when }), when);
    }
    const count = () => (sqliteOf(app).sqlite.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number }).n;
    // Several rounds of the schedule.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count()).toBe(3);
  });

  it('runs from the command line too: snapshots prune prunes and thins', async () => {
    t = await createTestApp();
    const { agentId, agentToken } = await enrolAgent(t.app);
    const base = new Date(Date.now() - 2 * 24 * HOUR);
    base.setUTCHours(10, 0, 0, 0);
    for (const at of [new Date(Date.now() - 40 * 24 * HOUR), base, new Date(base.getTime() + 60_000), new Date()]) {
      await ingestAt(t.app, agentToken, makeSnapshot({ agentId, at }), at);
    }
    const out: string[] = [];
    const code = await runRegisterCommand(
      t.dbPath,
      { noun: 'snapshots', verb: 'prune', dryRun: false, json: false, retentionDays: 30, thinAfterHours: 24 },
      { out: (text) => out.push(text), err: (text) => out.push(text) },
    );
    expect(code).toBe(0);
    expect(out.join('')).toBe(
      'pruned 1 snapshots and 0 section blobs older than 30 days\nthinned 1 repeated snapshots older than 24 hours\n',
    );
    expect((t.store.sqlite.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number }).n).toBe(2);
  });
});

describe('a retention backlog', () => {
  it('lets the store catch up between its batches, as an import does between its chunks', async () => {
    const steps: string[] = [];
    let pruneLeft = 3;
    let thinLeft = 2;
    const snapshots: SnapshotPruning = {
      pruneBatch: async () => {
        steps.push('prune');
        pruneLeft--;
        return { snapshots: 500, sections: 0, more: pruneLeft > 0 };
      },
      thinBatch: async () => {
        steps.push('thin');
        thinLeft--;
        return { snapshots: 10, lastKey: thinLeft > 0 ? 10 - thinLeft : undefined };
      },
    };
    const caughtUp = vi.fn(async (maxWaitMs: number) => {
      steps.push(`caught up (${maxWaitMs} ms at most)`);
    });
    const job = createRetentionJob(
      { snapshots, log: { info() {}, error() {} }, store: { caughtUp } },
      { snapshotRetentionDays: 30, snapshotThinAfterHours: 24, intervalMs: 60_000 },
    );
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      job.start();
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(() => expect(steps).toHaveLength(8));
    } finally {
      job.stop();
      vi.useRealTimers();
    }
    const wait = 'caught up (2000 ms at most)';
    expect(steps).toEqual(['prune', wait, 'prune', wait, 'prune', 'thin', wait, 'thin']);
  });
});

describe('retention settings', () => {
  it('thins after 24 hours unless told otherwise, and refuses what is not a number of hours', () => {
    expect(resolveConfig({}, {}).snapshotThinAfterHours).toBe(24);
    expect(resolveConfig({}, { STOCKTAKE_SNAPSHOT_THIN_AFTER_HOURS: '0' }).snapshotThinAfterHours).toBe(0);
    expect(
      resolveConfig({ 'snapshot-thin-after-hours': '72' }, { STOCKTAKE_SNAPSHOT_THIN_AFTER_HOURS: '0' })
        .snapshotThinAfterHours,
    ).toBe(72);
    expect(() => resolveConfig({ 'snapshot-thin-after-hours': '1.5' }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({ 'snapshot-thin-after-hours': '-1' }, {})).toThrow(
      'invalid snapshot-thin-after-hours: "-1" is not a whole number',
    );
  });
});
