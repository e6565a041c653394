import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../command-line.ts';
import {
  databaseAtVersion,
  markWrittenByNewerCollector,
  migrationsApplied,
  shippedMigrations,
} from '../store/sqlite/old-database.test-support.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-migrate-command-'));
  db = join(dir, 'stocktake.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collector(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    [...args, '--db', db],
    {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
    },
    { env: {}, uid: 1000, configPath: join(dir, 'none.json') },
  );
  return { code, stdout, stderr };
}

const SHIPPED = shippedMigrations();
/** An older collector's database: every migration but the last three. */
const OLD = SHIPPED.length - 3;

const backupsBeside = () => readdirSync(dir).filter((name) => name.includes('.before-migration-'));

describe('stocktake-collector migrate', () => {
  it('--status lists the migrations applied and pending, and writes nothing', async () => {
    databaseAtVersion(db, OLD);
    const before = readFileSync(db);
    const run = await collector('migrate', '--status');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      `database ${db}: schema version ${OLD}, this collector's is ${SHIPPED.length}: 3 migrations pending (stocktake-collector migrate backs it up and applies them)`,
      ...SHIPPED.slice(0, OLD).map((tag) => `applied  ${tag}`),
      ...SHIPPED.slice(OLD).map((tag) => `pending  ${tag}`),
      '',
    ]);
    const json = await collector('migrate', '--status', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      database: db,
      version: OLD,
      expected: SHIPPED.length,
      pending: SHIPPED.slice(OLD),
    });
    expect(readFileSync(db)).toEqual(before);
    expect(migrationsApplied(db)).toBe(OLD);
  });

  it('backs the database up beside itself, named after its schema version, then applies what is pending', async () => {
    databaseAtVersion(db, OLD);
    const run = await collector('migrate');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup, ...others] = backupsBeside();
    expect(others).toEqual([]);
    expect(backup).toMatch(new RegExp(`^stocktake\\.db\\.schema-${OLD}\\.before-migration-\\d{4}-\\d\\d-\\d\\dT`));
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^backed up schema version ${OLD} to ${join(dir, backup ?? '')} \\(`));
    expect(lines[1]).toMatch(
      new RegExp(`^migrated from schema version ${OLD} to ${SHIPPED.length} \\(3 migrations, \\d+ ms\\)$`),
    );
    // The backup holds the database as it was; the database is now current.
    expect(migrationsApplied(join(dir, backup ?? ''))).toBe(OLD);
    expect(migrationsApplied(db)).toBe(SHIPPED.length);

    const again = await collector('migrate');
    expect(again).toEqual({
      code: 0,
      stdout: `nothing to migrate: schema version ${SHIPPED.length}, up to date\n`,
      stderr: '',
    });
    expect(backupsBeside()).toHaveLength(1);
    expect((await collector('migrate', '--status')).stdout.split('\n')[0]).toBe(
      `database ${db}: schema version ${SHIPPED.length}, up to date`,
    );
  });

  it('admin commands refuse a database that needs migrating, in one line saying what to run (exit 78)', async () => {
    databaseAtVersion(db, OLD);
    const before = readFileSync(db);
    const refusal = `stocktake-collector: cannot use the database ${db}: its schema version ${OLD} is older than this collector's ${SHIPPED.length} (3 migrations pending); run \`stocktake-collector migrate\` first (it backs the database up, then migrates it), or start \`stocktake-collector serve\`, which does the same\n`;
    for (const args of [
      ['token', 'list'],
      ['enroll-secret', 'list'],
      ['assets', 'export'],
      ['devices', 'match'],
      ['reconcile'],
    ]) {
      expect(await collector(...args), args.join(' ')).toEqual({ code: 78, stdout: '', stderr: refusal });
    }
    expect(readFileSync(db)).toEqual(before);
    // Once migrated, they run.
    expect((await collector('migrate')).code).toBe(0);
    expect(await collector('token', 'list')).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses a database from a newer collector in one line, and writes nothing to it', async () => {
    databaseAtVersion(db, SHIPPED.length);
    markWrittenByNewerCollector(db);
    const before = readFileSync(db);
    const refusal = `stocktake-collector: cannot use the database ${db}: its schema version ${SHIPPED.length + 1} was written by a newer collector (this one knows ${SHIPPED.length}); run that version or newer\n`;
    for (const args of [['migrate'], ['migrate', '--status'], ['token', 'list']]) {
      expect(await collector(...args), args.join(' ')).toEqual({ code: 78, stdout: '', stderr: refusal });
    }
    expect(readFileSync(db)).toEqual(before);
    expect(backupsBeside()).toEqual([]);
  });

  it('refuses a file that is not a database in the store’s words', async () => {
    writeFileSync(db, 'not a database\n'.repeat(1000));
    for (const args of [['migrate'], ['migrate', '--status']]) {
      expect(await collector(...args), args.join(' ')).toEqual({
        code: 78,
        stdout: '',
        stderr: `stocktake-collector: cannot use the database ${db}: the file is damaged (SQLITE_NOTADB: file is not a database); restore it from a backup\n`,
      });
    }
  });

  it('says there is no database rather than making one', async () => {
    expect(await collector('migrate', '--status')).toEqual({
      code: 66,
      stdout: '',
      stderr: `stocktake-collector: no database at ${db} (pass --db; serve creates a new one)\n`,
    });
    expect(existsSync(db)).toBe(false);
  });
});
