import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  databaseAtVersion,
  migrationsApplied,
  shippedMigrations,
} from '../../collector/src/store/sqlite/old-database.test-support.ts';
import { runCollector as collector, type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const dirs: { remove(): void }[] = [];
const running: RunningCollector[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) dir.remove();
});

const SHIPPED = shippedMigrations();
const OLD = SHIPPED.length - 2;

/** The collector's JSON log lines with this message. */
const logged = (server: RunningCollector, msg: string) =>
  server
    .logs()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);

// Real processes: the command line started afresh for each command, and a collector serving.
describe('upgrading a collector: the README’s commands on a database an older version left', {
  timeout: 300_000,
}, () => {
  it('migrate --status shows what is pending, admin commands refuse, serve backs up then migrates', async () => {
    const dir = tempDir('stocktake-e2e-migrate-');
    dirs.push(dir);
    const db = join(dir.path, 'stocktake.db');
    databaseAtVersion(db, OLD);

    // The config file the README shows, checked before starting.
    const configFile = join(dir.path, 'collector.json');
    writeFileSync(configFile, JSON.stringify({ db, logLevel: 'info', reconcileCron: 'off' }));
    const check = await collector(['config', 'check', '--config', configFile]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(`config file: ${configFile}\n`);
    expect(check.stdout).toMatch(new RegExp(`\\ndb +${db} {2}\\(file ${configFile}: db\\)\\n`));

    const status = await collector(['migrate', '--status', '--config', configFile]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.split('\n')[0]).toContain(
      `schema version ${OLD}, this collector's is ${SHIPPED.length}: 2 migrations pending`,
    );
    expect(status.stdout).toContain(`\npending  ${SHIPPED.at(-1)}\n`);

    const refused = await collector(['token', 'list', '--config', configFile]);
    expect(refused.code).toBe(78);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('run `stocktake-collector migrate` first');
    expect(migrationsApplied(db)).toBe(OLD);

    const server = await startCollector({
      dbPath: db,
      enrollSecret: 'migrate-e2e-enroll-secret',
      extraArgs: ['--config', configFile],
    });
    running.push(server);
    const [backedUp] = logged(server, 'backed up the database before migrating it');
    const [migrated] = logged(server, 'database migrated');
    expect(backedUp).toMatchObject({ schemaVersion: OLD, pending: SHIPPED.slice(OLD) });
    expect(migrated).toMatchObject({ from: OLD, to: SHIPPED.length });
    const backup = String(backedUp?.backup);
    expect(readdirSync(dir.path)).toContain(backup.slice(dir.path.length + 1));
    expect(backup).toMatch(new RegExp(`/stocktake\\.db\\.schema-${OLD}\\.before-migration-`));
    expect(migrationsApplied(backup)).toBe(OLD);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await server.stop();

    const after = await collector(['migrate', '--status', '--db', db]);
    expect(after.stdout.split('\n')[0]).toBe(`database ${db}: schema version ${SHIPPED.length}, up to date`);
    const listed = await collector(['token', 'list', '--db', db]);
    expect(listed.code, listed.stderr).toBe(0);
  });

  it('migrate applies them explicitly, after the same backup', async () => {
    const dir = tempDir('stocktake-e2e-migrate-');
    dirs.push(dir);
    const db = join(dir.path, 'stocktake.db');
    databaseAtVersion(db, OLD);
    const run = await collector(['migrate', '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^backed up schema version ${OLD} to ${db}\\.schema-${OLD}\\.before-migration-`),
    );
    expect(run.stdout).toContain(`migrated from schema version ${OLD} to ${SHIPPED.length} (2 migrations,`);
    expect(migrationsApplied(db)).toBe(SHIPPED.length);
  });
});
