import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCollector } from '../compose/collector.ts';
import { resolveConfig } from '../config.ts';
import { openDatabase } from '../store/sqlite/open-database.ts';
import { runReconcileCommand } from './reconcile-command.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-reconcile-cli-'));
  db = join(dir, 'stocktake.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(json = false, flags: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const config = resolveConfig({ db, 'log-level': 'silent', ...flags }, {});
  const code = await runReconcileCommand(config, { json }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('stocktake-collector reconcile', () => {
  it('runs once and prints the summary as a table or JSON', async () => {
    const collector = await openCollector({ dbPath: db });
    const old = new Date(Date.now() - 60 * 86_400_000);
    for (const tag of ['LT-1', 'LT-2']) {
      await collector.services.registerService.create(
        { assetTag: tag, status: 'deployed' },
        {},
        { actor: 'test', now: old },
      );
    }
    await collector.close();

    const table = await run();
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/^Reconciliation run 1 \(cli:.+\) succeeded in \d+\.\d\d s$/m);
    expect(table.out).toMatch(/^ghost_asset\s+2\s+0\s+0\s+0\s+2$/m);
    expect(table.out).toMatch(/^total\s+2\s+0\s+0\s+0\s+2$/m);

    const json = await run(true);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      id: 2,
      trigger: 'cli',
      status: 'succeeded',
      counts: { totals: { opened: 0, open: 2 } },
    });
  });

  it('refuses a missing database, and a run while another is in progress', async () => {
    const missing = await run();
    expect(missing.code).toBe(66);
    expect(missing.err).toContain('no database');
    const opened = openDatabase(db);
    opened.sqlite
      .prepare(
        "INSERT INTO reconciliation_runs (trigger, actor, status, started_at) VALUES ('schedule', 'schedule', 'running', ?)",
      )
      .run(new Date().toISOString());
    opened.close();
    const busy = await run();
    expect(busy.code).toBe(75);
    expect(busy.err).toContain('is in progress');
  });

  it('stores the policy file it is given before the run', async () => {
    openDatabase(db).close();
    const policies = join(dir, 'policies.json');
    writeFileSync(policies, JSON.stringify({ staleAfterDays: 3 }));
    expect((await run(false, { policies })).code).toBe(0);
    const opened = openDatabase(db);
    const row = opened.sqlite.prepare('SELECT document, updated_by FROM policies').get() as {
      document: string;
      updated_by: string;
    };
    opened.close();
    expect(JSON.parse(row.document)).toEqual({ staleAfterDays: 3 });
    expect(row.updated_by).toBe(`config:${policies}`);
  });
});
