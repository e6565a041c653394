import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_PAUSES } from '../domain/csv/pace.ts';
import type { ImportJob } from '../domain/imports/import-queue.ts';
import { readAssetFile } from '../domain/register/asset-csv.ts';
import {
  type ImportProgress,
  ImportReadFailedError,
  ImportRefusedError,
  ImportTooLargeError,
} from '../domain/register/csv-import.ts';
import type { CollectorServices } from '../domain/services.ts';
import { fromDomainError } from '../http/plugins/problems/index.ts';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/stores.ts';
import { readInWorker } from './import-reader.ts';
import { createServices } from './services.ts';

const HEADER = 'Asset Tag,Item Name,Serial Number,Status,Purchase Date,Purchase Cost,Location';

function assetsCsv(rows: number, row = (i: number) => `ST-${i},Laptop ${i},SN-${i},Deployed,2024-01-31,1249.50,HQ`) {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) lines.push(row(i));
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

const ASSETS = { resource: 'assets', statusMap: new Map() } as const;

describe('reading an import file in a worker thread', () => {
  it('reads a large file off the event loop: the loop keeps turning, where reading it here holds it throughout', async () => {
    const file = assetsCsv(100_000);
    const progress: ImportProgress[] = [];
    let turns = 0;
    let reading = true;
    const spin = () => {
      if (!reading) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const read = await readInWorker(ASSETS, file, { progress: (p) => progress.push(p) });
    reading = false;
    expect(read.rowCount).toBe(100_000);
    expect(read.rows).toHaveLength(100_000);
    expect(read.errors).toEqual([]);
    expect(read.rows[99_999]).toMatchObject({ line: 100_001, tag: 'ST-99999', input: { serial: 'SN-99999' } });
    expect(progress.at(-1)).toEqual({ phase: 'parsing', done: 100_000, total: 100_000 });
    // The loop went round while the worker read (a count, not a time).
    expect(turns).toBeGreaterThan(0);

    // The same file read in this thread without pauses: the loop does not turn once.
    let turnsHere = 0;
    let here = true;
    const spinHere = () => {
      if (!here) return;
      turnsHere++;
      setImmediate(spinHere);
    };
    setImmediate(spinHere);
    const same = await readAssetFile(file, { statusMap: new Map() }, { pace: NO_PAUSES });
    here = false;
    expect(turnsHere).toBe(0);
    expect(same.rows).toEqual(read.rows);
  }, 120_000);

  it('gives the same line-numbered problems as reading here, and refuses a file the same way', async () => {
    const file = assetsCsv(300, (i) =>
      i === 120
        ? `ST-${i},x,y,Deployed,2024-02-30,1,HQ`
        : i === 250
          ? 'ST-1,x,y,Deployed,,,'
          : `ST-${i},x,y,Lost in Narnia,,,`,
    );
    const there = await readInWorker(ASSETS, file, {});
    const here = await readAssetFile(file, { statusMap: new Map() });
    expect(there.errors).toEqual(here.errors);
    expect(there.errors.map((e) => e.line)).toEqual(expect.arrayContaining([122, 252]));

    const noTag = Buffer.from('Serial Number\r\nSN-1\r\n');
    const refusal = await readInWorker(ASSETS, noTag, {}).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ImportRefusedError);
    expect((refusal as ImportRefusedError).errors).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringContaining('the header has no asset_tag column') }),
    ]);
    const tooMany = await readInWorker(ASSETS, assetsCsv(20), { maxRows: 10 }).catch((err: unknown) => err);
    expect(tooMany).toBeInstanceOf(ImportTooLargeError);
    expect((tooMany as ImportTooLargeError).maxRows).toBe(10);
  }, 60_000);
});

describe('a worker that fails', () => {
  const failing = (code: string) => new URL(`data:text/javascript,${encodeURIComponent(code)}`);

  it.each([
    ['throws', 'throw new Error("the reader broke")', /the thread reading it failed: the reader broke/],
    ['exits', 'process.exit(3)', /stopped \(exit code 3\) before it was done/],
    [
      'says something else',
      'import { parentPort } from "node:worker_threads"; parentPort.postMessage({ type: "gossip" }); await new Promise(() => {});',
      /a message it does not speak/,
    ],
  ])('rejects the reading with a clear error when it %s', async (_, code, message) => {
    const err = await readInWorker(ASSETS, assetsCsv(5), {}, { script: failing(code) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportReadFailedError);
    expect((err as Error).message).toMatch(/^The file could not be read, and nothing was imported: /);
    expect((err as Error).message).toMatch(message);
  });

  it('stops a worker that needs more memory than it may have, with the reason', async () => {
    const err = await readInWorker(ASSETS, assetsCsv(200_000), {}, { heapMb: 16 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportReadFailedError);
    expect((err as Error).message).toMatch(/memory/i);
  }, 120_000);
});

describe('an import job whose reader fails', () => {
  let dir: string;
  let stores: SqliteStores;
  let services: CollectorServices;
  const failures: unknown[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-reader-'));
    stores = await openSqliteStores(join(dir, 'stocktake.db'));
    services = createServices(stores, undefined, {
      onImportFailure: (_job, err) => failures.push(err),
      importReaders: {
        thresholdBytes: 1024,
        script: new URL(`data:text/javascript,${encodeURIComponent('throw new Error("the reader broke")')}`),
      },
    });
  });
  afterAll(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(job: ImportJob): Promise<ImportJob> {
    while (job.state === 'queued' || job.state === 'running') await new Promise((r) => setTimeout(r, 20));
    return job;
  }

  it('fails the job with a problem that says what happened, writes nothing, and the collector goes on importing', async () => {
    const job = await finished(
      services.imports.submit('assets', assetsCsv(100), { dryRun: false, actor: 'test', context: 'test' }),
    );
    expect(job.state).toBe('failed');
    expect(failures).toEqual([job.error]);
    const problem = fromDomainError(job.error);
    expect(problem?.status).toBe(500);
    expect(problem?.detail).toMatch(
      /^The file could not be read, and nothing was imported: the thread reading it failed: the reader broke/,
    );
    expect(await stores.assets.getByTag('ST-0')).toBeUndefined();

    // A small file is read in this thread and imported as ever.
    const small = await services.imports.runNow('assets', assetsCsv(2), { dryRun: false, actor: 'test' });
    expect(small).toMatchObject({ rows: 2, created: [{ assetTag: 'ST-0' }, { assetTag: 'ST-1' }] });
  });
});
