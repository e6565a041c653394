import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmdirSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { ProblemTypes } from '@stocktake/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders } from '../support/agent-service.ts';
import { type RunningCollector, runCollector, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-storage-secret';
/** Each case starts the collector up to three times, each start compiling it afresh. */
const SLOW = 180_000;

interface Sqlite {
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  pragma(pragma: string, options?: { simple: boolean }): unknown;
  close(): void;
}

/** The collector's own SQLite driver, for the test to damage or age a database as a disk or an upgrade would. */
function sqliteAt(path: string): Sqlite {
  const require = createRequire(resolve(import.meta.dirname, '..', '..', 'collector', 'package.json'));
  const Database = require('better-sqlite3') as new (file: string) => Sqlite;
  return new Database(path);
}

const serveArgs = (db: string, ...extra: string[]) => [
  'serve',
  '--db',
  db,
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--enroll-secret',
  SECRET,
  ...extra,
];

/**
 * `serve` and an admin command on `db` each exit 78 with one line on stderr matching `line`
 * (an admin command asks for an existing database: for a new one, only `serve` is run).
 */
async function expectRefused(db: string, line: RegExp, commands: 'serve' | 'serve and admin' = 'serve and admin') {
  const runs = commands === 'serve' ? [serveArgs(db)] : [serveArgs(db), ['token', 'list', '--db', db]];
  for (const args of runs) {
    const run = await runCollector(args);
    expect(run.stderr.trim().split('\n'), `${args[0]}: ${run.stderr}`).toEqual([
      expect.stringMatching(/^stocktake-collector: cannot use the database /),
    ]);
    expect(run.stderr).toMatch(line);
    expect(run.code, args[0]).toBe(78);
  }
}

/** A database the collector made and closed, as an earlier start leaves it. */
async function databaseMadeBy(dir: string): Promise<string> {
  const db = join(dir, 'stocktake.db');
  const collector = await startCollector({ dbPath: db, enrollSecret: SECRET });
  await collector.stop();
  // Everything into the main file (the collector checkpoints on close; this makes sure).
  const sqlite = sqliteAt(db);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return db;
}

/** Why tmpfs mounts cannot be made here (they need root, as in CI), or undefined when they can. */
const mountProblem = ((): string | undefined => {
  const probe = tempDir('stocktake-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe.path], { stdio: 'pipe' });
    execFileSync('umount', [probe.path], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); these tests need root`;
  } finally {
    probe.remove();
  }
})();

/** A small tmpfs of its own, unmounted by the returned function. */
function tmpfs(dir: string, size: string): () => void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  return () => {
    execFileSync('umount', ['-l', dir]);
    rmdirSync(dir);
  };
}

describe('stocktake-collector refuses a database it cannot use: one line on stderr, exit 78', () => {
  const dir = tempDir('stocktake-e2e-storage-');
  afterAll(() => dir.remove());

  it(
    'a database a newer collector migrated',
    async () => {
      const db = await databaseMadeBy(join(dir.path, 'newer'));
      const sqlite = sqliteAt(db);
      sqlite
        .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
        .run('from-a-newer-collector', Date.now() + 365 * 86_400_000);
      sqlite.close();
      await expectRefused(db, /was written by a newer collector \(this one knows \d+\); run that version or newer$/m);
    },
    SLOW,
  );

  it(
    'a database another process keeps locked: one line, exit 75, to try again later',
    async () => {
      const db = await databaseMadeBy(join(dir.path, 'locked'));
      const holder = sqliteAt(db);
      holder.prepare('begin immediate').run();
      try {
        for (const args of [serveArgs(db), ['token', 'list', '--db', db]]) {
          const run = await runCollector(args);
          expect(run.stderr.trim().split('\n'), `${args[0]}: ${run.stderr}`).toEqual([
            expect.stringMatching(
              /^stocktake-collector: cannot use the database .+ now: another process has held its lock for more than 5 s \(SQLITE_BUSY\); stop it, or try again once it is done$/,
            ),
          ]);
          expect(run.code, args[0]).toBe(75);
        }
      } finally {
        holder.prepare('rollback').run();
        holder.close();
      }
    },
    SLOW,
  );

  it(
    'a database with a damaged page (quick_check)',
    async () => {
      const db = await databaseMadeBy(join(dir.path, 'damaged'));
      const sqlite = sqliteAt(db);
      const { rootpage } = sqlite.prepare("select rootpage from sqlite_master where name = 'assets'").get() as {
        rootpage: number;
      };
      const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
      sqlite.close();
      // Bytes a failing disk or a stray write left in the middle of the file.
      const fd = openSync(db, 'r+');
      writeSync(fd, Buffer.alloc(16, 0xee), 0, 16, (rootpage - 1) * pageSize);
      closeSync(fd);
      await expectRefused(db, /the file is damaged \(quick_check: .+\); restore it from a backup$/m);
    },
    SLOW,
  );

  it(
    'a file that is not a database',
    async () => {
      mkdirSync(join(dir.path, 'garbage'));
      const db = join(dir.path, 'garbage', 'stocktake.db');
      writeFileSync(db, 'not a database\n'.repeat(1000));
      await expectRefused(db, /the file is damaged \(SQLITE_NOTADB: file is not a database\)/);
    },
    SLOW,
  );
});

describe.skipIf(mountProblem !== undefined)(
  `stocktake-collector on a read-only or full file system${mountProblem ? ` (skipped: ${mountProblem})` : ''}`,
  () => {
    const dir = tempDir('stocktake-e2e-mounts-');
    afterAll(() => dir.remove());

    it(
      'refuses a read-only directory, for an existing database and a new one',
      async () => {
        const mnt = join(dir.path, 'read-only');
        const unmount = tmpfs(mnt, '256m');
        try {
          const db = await databaseMadeBy(join(mnt, 'data'));
          // Root ignores permission bits, not a read-only mount.
          execFileSync('mount', ['-o', 'remount,ro', mnt]);
          await expectRefused(db, /its directory .* is not writable \(EROFS\)/);
          await expectRefused(join(mnt, 'data', 'new.db'), /its directory .* is not writable \(EROFS\)/, 'serve');
        } finally {
          unmount();
        }
      },
      SLOW,
    );

    describe('a disk that fills up', () => {
      const mnt = join(dir.path, 'full');
      const db = join(mnt, 'stocktake.db');
      let unmount: () => void = () => undefined;
      let collector: RunningCollector | undefined;
      let url = '';
      let headers: Record<string, string> = {};

      beforeAll(async () => {
        unmount = tmpfs(mnt, '24m');
        collector = await startCollector({
          dbPath: db,
          enrollSecret: SECRET,
          extraArgs: ['--min-free-disk', '1048576'],
        });
        url = collector.url;
        // A token made now and used only once the disk is full.
        headers = await apiHeaders(db);
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        try {
          writeFileSync(join(mnt, 'filler'), Buffer.alloc(64 * 1024 * 1024, 1));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        }
      }, SLOW);
      afterAll(async () => {
        await collector?.stop();
        unmount();
      });

      it('turns readiness to 503 naming the disk, while liveness stays ok', async () => {
        let res = await fetch(`${url}/readyz`);
        // A probe's result is reused for a second.
        for (let i = 0; i < 20 && res.status === 200; i++) {
          await new Promise((r) => setTimeout(r, 200));
          res = await fetch(`${url}/readyz`);
        }
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const problem = (await res.json()) as { type: string; detail: string };
        expect(problem.type).toBe(ProblemTypes.notReady);
        expect(problem.detail).toMatch(/disk-space: 0 bytes free, minimum 1 MiB/);
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      });

      it('keeps answering reads, with a token used for the first time', async () => {
        const res = await fetch(`${url}/api/v1/devices`, { headers });
        expect(res.status, await res.clone().text()).toBe(200);
        expect(((await res.json()) as { items: unknown[] }).items).toEqual([]);
      });

      it('answers a write with 503, Retry-After and problem details', async () => {
        // Every write appends to the log, and a full disk has no page left for it.
        const res = await fetch(`${url}/api/v1/assets`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ assetTag: 'LT-1001' }),
        });
        expect(res.status, await res.clone().text()).toBe(503);
        expect(res.headers.get('retry-after')).toBe('60');
        const problem = (await res.json()) as { type: string; detail: string };
        expect(problem.type).toBe(ProblemTypes.storageUnavailable);
        expect(problem.detail).toMatch(/disk holding the database is full/);
      });

      it(
        'does not start again on it, nor run an admin command',
        async () => {
          await collector?.stop();
          collector = undefined;
          await expectRefused(db, /its disk is full \(0 bytes free/);
        },
        SLOW,
      );
    });
  },
);
