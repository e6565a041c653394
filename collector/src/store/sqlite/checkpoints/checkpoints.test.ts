import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test-support/test-app.ts';
import { openDatabase } from '../open-database.ts';
import { CHECKPOINT_PAGES, checkpointInBackground } from './index.ts';

/** A small threshold, so that a few hundred KiB of writes cross it. */
const PAGES = 64;

let served: TestApp | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await served?.close();
  served = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** A served collector once its checkpointing thread has taken over, and the log's threshold in bytes. */
async function servedWithThread() {
  served = await createTestApp({ backgroundCheckpoints: { pages: PAGES, intervalMs: 20 } });
  const { sqlite } = served.store;
  // The collector serves at once; the thread takes the checkpoints over once it has started.
  await vi.waitFor(() => expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0), {
    timeout: 15_000,
    interval: 20,
  });
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  return { testApp: served, sqlite, dbPath: served.dbPath, pageSize, threshold: 32 + PAGES * (24 + pageSize) };
}

describe('checkpoints in a thread of their own', () => {
  it("copy a served database's log back once it has grown past the threshold, while its own connection never checkpoints", async () => {
    const { testApp, sqlite, dbPath, pageSize, threshold } = await servedWithThread();

    sqlite.exec('create table ballast (b blob)');
    const before = size(dbPath);
    // About four times the threshold, in one commit: the main connection alone would leave all of it in the log.
    sqlite.transaction(() => {
      const insert = sqlite.prepare('insert into ballast (b) values (randomblob(?))');
      for (let i = 0; i < PAGES * 4; i++) insert.run(pageSize);
    })();
    expect(size(`${dbPath}-wal`)).toBeGreaterThan(threshold);
    // The thread's checkpoint writes the new pages into the database file itself (SQLite sizes
    // the file before it copies the pages, so this alone does not say the copy is done).
    await vi.waitFor(() => expect(size(dbPath)).toBeGreaterThan(before + PAGES * 4 * pageSize), {
      timeout: 10_000,
      interval: 20,
    });
    // Once all of it is copied, the next commit starts the log over from its beginning.
    let commits = 0;
    await vi.waitFor(
      () => {
        sqlite.exec('insert into ballast (b) values (zeroblob(1))');
        commits++;
        expect(size(`${dbPath}-wal`)).toBeLessThan(threshold);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(sqlite.prepare('select count(*) as n from ballast').get()).toEqual({ n: PAGES * 4 + commits });

    // Closing stops the thread first: the main connection, the last, checkpoints and removes the log.
    await testApp.close();
    served = undefined;
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });

  it('keep the log to about the threshold under back-to-back commits that wait for them to catch up', async () => {
    const { testApp, sqlite, dbPath, pageSize, threshold } = await servedWithThread();
    sqlite.exec('create table ballast (b blob)');
    const insert = sqlite.prepare('insert into ballast (b) values (randomblob(?))');
    // An import's chunks: commit after commit, with nothing between them but the wait. Left to
    // itself the log would hold all of it (about 2,000 commits of two pages or more each, some
    // 30 times the threshold): it restarts only at a commit that finds it wholly copied.
    let largest = 0;
    let waits = 0;
    for (let i = 0; i < 2000; i++) {
      insert.run(pageSize * 2);
      largest = Math.max(largest, size(`${dbPath}-wal`));
      if (size(`${dbPath}-wal`) >= threshold) waits++;
      await testApp.app.stores.caughtUp(5000);
    }
    expect(waits).toBeGreaterThan(0);
    // The threshold, the commit that crossed it, and the one that restarted the log.
    expect(largest).toBeLessThan(3 * threshold);
    expect(sqlite.prepare('select count(*) as n from ballast').get()).toEqual({ n: 2000 });
  });

  it('leave the checkpoints to the main connection, with one log line, when the thread cannot start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-checkpoints-'));
    dirs.push(dir);
    const file = join(dir, 'stocktake.db');
    const opened = openDatabase(file);
    const warnings: string[] = [];
    const failing = new URL('data:text/javascript,throw new Error("no thread today")');
    const checkpoints = checkpointInBackground(opened.sqlite, file, {
      script: failing,
      log: { warn: (_, message) => warnings.push(message), error: (_, message) => warnings.push(message) },
    });
    expect(await checkpoints.started).toBe(false);
    expect(checkpoints.inBackground).toBe(false);
    expect(opened.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(CHECKPOINT_PAGES);
    expect(warnings).toEqual([
      'the checkpointing thread did not start; the database checkpoints on commit, on the event loop',
    ]);
    await checkpoints.stop();
    opened.close();
  });
});
