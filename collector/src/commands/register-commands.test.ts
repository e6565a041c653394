import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/sqlite/open-database.ts';
import { dumpDatabase } from '../test-support/dump.ts';
import { EXIT, type Io, runRegisterCommand } from './register-commands.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-'));
  db = join(dir, 'stocktake.db');
  openDatabase(db).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
  };
  return io;
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const dump = () => {
  const opened = openDatabase(db);
  try {
    return dumpDatabase(opened.sqlite);
  } finally {
    opened.close();
  }
};

const ASSETS = 'asset_tag,serial,location,status\r\nCLI-1,S-1,HQ,Deployed\r\nCLI-2,S-2,HQ,Ready to Deploy\r\n';

describe('stocktake-collector assets import/export', () => {
  it('dry-runs, imports as the operating-system user, and exports what it imported', async () => {
    const path = file('assets.csv', ASSETS);
    const dry = capture();
    expect(
      await runRegisterCommand(db, { noun: 'assets', verb: 'import', file: path, dryRun: true, json: false }, dry),
    ).toBe(EXIT.ok);
    expect(dry.stdout).toContain('2 rows: 2 created, 0 updated, 0 unchanged (dry run: nothing written)');
    expect(dry.stdout).toContain('would create  line 3  CLI-2');
    expect(dump().assets).toEqual([]);

    const real = capture();
    expect(
      await runRegisterCommand(db, { noun: 'assets', verb: 'import', file: path, dryRun: false, json: true }, real),
    ).toBe(EXIT.ok);
    expect(JSON.parse(real.stdout)).toMatchObject({
      dryRun: false,
      rows: 2,
      created: [{ line: 2, assetTag: 'CLI-1' }, { line: 3 }],
    });
    const audit = dump().audit_log as { actor: string; context: string }[];
    expect(audit.map((a) => a.actor)).toEqual([`cli:${userInfo().username}`, `cli:${userInfo().username}`]);
    expect(audit[0]?.context).toBe(`csv import (cli ${path}) line 2`);

    const out = join(dir, 'export.csv');
    const exported = capture();
    expect(
      await runRegisterCommand(db, { noun: 'assets', verb: 'export', file: out, dryRun: false, json: false }, exported),
    ).toBe(EXIT.ok);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[1]).toMatch(/^CLI-1,,S-1,.*,Deployed,HQ,/);
    const stdout = capture();
    await runRegisterCommand(db, { noun: 'assets', verb: 'export', dryRun: false, json: false }, stdout);
    expect(stdout.stdout).toBe(text);
  });

  it('refuses a bad file with its lines on stderr, exit 65, and changes nothing', async () => {
    await runRegisterCommand(
      db,
      { noun: 'assets', verb: 'import', file: file('ok.csv', ASSETS), dryRun: false, json: false },
      capture(),
    );
    const before = dump();
    const bad = file('bad.csv', `${ASSETS}CLI-3,S-3,HQ,Teleported\r\nCLI-1,,,\r\n`);
    const io = capture();
    expect(
      await runRegisterCommand(db, { noun: 'assets', verb: 'import', file: bad, dryRun: false, json: false }, io),
    ).toBe(EXIT.dataErr);
    expect(io.stderr).toContain('refused, nothing was imported (2 problems)');
    expect(io.stderr).toContain('line 4 (status): "Teleported" is not a status label Stocktake knows');
    expect(io.stderr).toContain('line 5 (asset_tag): asset tag CLI-1 is already on line 2');
    expect(dump()).toEqual(before);
  });

  it('says what is missing: the database, the file, the FILE argument', async () => {
    const io = capture();
    expect(
      await runRegisterCommand(
        join(dir, 'typo.db'),
        { noun: 'assets', verb: 'export', dryRun: false, json: false },
        io,
      ),
    ).toBe(EXIT.noInput);
    expect(io.stderr).toContain('no database at');
    expect(
      await runRegisterCommand(
        db,
        { noun: 'assets', verb: 'import', file: join(dir, 'none.csv'), dryRun: false, json: false },
        io,
      ),
    ).toBe(EXIT.noInput);
    expect(await runRegisterCommand(db, { noun: 'assets', verb: 'import', dryRun: false, json: false }, io)).toBe(
      EXIT.usage,
    );
  });
});

describe('stocktake-collector licenses import/export', () => {
  it('imports entitlements, re-imports the export unchanged', async () => {
    const path = file(
      'licenses.csv',
      'product,publisher,name_pattern,publisher_pattern,version_range,metric,seats,term_start,term_end,cost_per_seat,order_number\r\n' +
        'Microsoft 365 E3,Microsoft,Microsoft 365*,Microsoft*,,per_user,250,2026-01-01,2026-12-31,36.00,PO-77\r\n' +
        'JetBrains IntelliJ IDEA Ultimate,JetBrains,IntelliJ IDEA*,JetBrains*,>=2024.1,per_user,40,2026-03-01,2027-02-28,599,PO-91\r\n',
    );
    const io = capture();
    expect(
      await runRegisterCommand(db, { noun: 'licenses', verb: 'import', file: path, dryRun: false, json: false }, io),
    ).toBe(EXIT.ok);
    expect(io.stdout).toContain('2 rows: 2 created');
    const exported = capture();
    await runRegisterCommand(db, { noun: 'licenses', verb: 'export', dryRun: false, json: false }, exported);
    const before = dump();
    const again = capture();
    const back = file('back.csv', exported.stdout);
    expect(
      await runRegisterCommand(db, { noun: 'licenses', verb: 'import', file: back, dryRun: false, json: false }, again),
    ).toBe(EXIT.ok);
    expect(again.stdout).toContain('2 rows: 0 created, 0 updated, 2 unchanged');
    expect(dump()).toEqual(before);
  });
});

describe('the stocktake-collector executable', () => {
  it('runs assets import from the command line with exit codes scripts can rely on', async () => {
    const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'stocktake-collector.mjs');
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [bin, ...args, '--db', db], {
        env: { ...process.env, NO_PRETTY: '1' },
      }).then(
        (r) => ({ code: 0, ...r }),
        (err: { code: number; stdout: string; stderr: string }) => ({
          code: err.code,
          stdout: err.stdout,
          stderr: err.stderr,
        }),
      );
    const ok = await run(['assets', 'import', file('a.csv', ASSETS), '--dry-run']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('2 created');
    const bad = await run(['assets', 'import', file('b.csv', 'serial\nx\n')]);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('line 1: the header has no asset_tag column');
    expect((await run(['assets'])).code).toBe(64);

    // A status label of the organisation's own: refused, naming the flag, then read through it.
    const own = file('own-labels.csv', 'asset_tag,status\r\nOWN-1,Pending Diagnostics\r\n');
    const unmapped = await run(['assets', 'import', own]);
    expect(unmapped.code).toBe(65);
    expect(unmapped.stderr).toContain('Pending Diagnostics');
    expect(unmapped.stderr).toContain('--status-map');
    const mapped = await run(['assets', 'import', own, '--status-map', 'Pending Diagnostics=in_repair', '--json']);
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(JSON.parse(mapped.stdout)).toMatchObject({ created: [{ assetTag: 'OWN-1' }] });
    expect((dump().assets as { status: string }[]).map((a) => a.status)).toEqual(['in_repair']);
  }, 60_000);
});
