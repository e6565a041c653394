import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot } from '@stocktake/shared/testing';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, type Io, main } from '../command-line.ts';
import { buildApp } from '../compose/app.ts';
import { testDatabases } from '../store/postgres/test-support/test-databases.test-support.ts';
import { databaseAtVersion, shippedMigrations } from '../store/sqlite/old-database.test-support.ts';

const databases = testDatabases();

/** The README's move from SQLite: the commands it shows and the output it says they print. */
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const MOVE = README.slice(README.indexOf('**Moving from SQLite.**'), README.indexOf('### Metrics'));
const [COMMANDS = '', SAMPLE = ''] = [...MOVE.matchAll(/```(?:sh)?\n([\s\S]*?)```/g)].map((m) => m[1]);
const README_DB = '/var/lib/stocktake/stocktake.db';
const README_URL = 'postgres://stocktake:secret@db.example.org:5432/stocktake';

/** A line of the README's sample output as a pattern: its figures and checksums may be any. */
function sampleLine(line: string): RegExp {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = escaped
    .replace(/[0-9a-f]{32}/g, 'CHECKSUM')
    .replace(/\d[\d,]*(\\\.\d+)?/g, '[\\d,.]+')
    .replace(/ +/g, '\\s+')
    .replaceAll('CHECKSUM', '[0-9a-f]{32}');
  return new RegExp(`^${pattern}$`, 'm');
}
const ENROLL_SECRET = 'store-copy-enroll-secret';
const dir = mkdtempSync(join(tmpdir(), 'stocktake-store-copy-'));
const sqliteFile = join(dir, 'stocktake.db');
const opened: FastifyInstance[] = [];
afterAll(async () => {
  for (const app of opened) await app.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function collector(argv: string[]) {
  const io: Io & { stdout: string; stderr: string } = {
    stdout: '',
    stderr: '',
    out: (t) => {
      io.stdout += t;
    },
    err: (t) => {
      io.stderr += t;
    },
  };
  const host: Host = { env: {}, uid: 1000, configPath: '/nonexistent/collector.json' };
  const code = await main(argv, io, host);
  return { code, ...io };
}

/** A collector on `db` listening on 127.0.0.1, and a client of its API. */
async function collectorOn(db: string) {
  const app = await buildApp({
    dbPath: db,
    enrollSecret: ENROLL_SECRET,
    logger: false,
    pruneIntervalMs: 0,
    bodyLimit: 1024 * 1024,
    snapshotBodyLimit: 16 * 1024 * 1024,
  });
  opened.push(app);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
  };
  return { app, call };
}

interface Credentials {
  agentId: string;
  agentToken: string;
  reader: string;
  deviceId: string;
  /** The finding a person acknowledged. */
  findingId: number;
}

/**
 * A store a collector wrote as it works: an agent enrolled with two snapshots (history), a
 * register with an asset changed and a license, a reconciliation's findings with one
 * acknowledged (their history), an API token and a person's account, the audit of all of it.
 */
async function buildSqliteStore(): Promise<Credentials> {
  const { app, call } = await collectorOn(sqliteFile);
  const admin = (await app.stores.apiTokens.create({ name: 'admin', role: 'admin' }, 'test')).secret;
  const reader = (await app.stores.apiTokens.create({ name: 'auditor', role: 'reader' }, 'test')).secret;
  await app.stores.users.create({ name: 'alice', role: 'admin', password: 'a long enough password' }, 'test');
  const enrolled = await call('POST', '/api/v1/agent/enroll', '', {
    enrollSecret: ENROLL_SECRET,
    hostname: 'ws-copy',
    agentVersion: '0.1.0',
    platform: 'linux',
  });
  expect(enrolled.status, enrolled.text).toBe(201);
  const { agentId, agentToken } = enrolled.body as { agentId: string; agentToken: string };
  const software = [{ name: 'Office', version: '16', source: 'registry' as const, publisher: 'P' }];
  const first = makeSnapshot({ agentId, hostname: 'ws-copy', serial: 'COPY-1', software });
  const stored = await call('POST', '/api/v1/agent/snapshots', agentToken, first);
  expect(stored.status, stored.text).toBe(201);
  const later = makeSnapshot({
    agentId,
    hostname: 'ws-copy',
    serial: 'COPY-1',
    software: [...software, { name: 'Editor', version: '2', source: 'dpkg' as const, publisher: 'E' }],
  });
  expect((await call('POST', '/api/v1/agent/snapshots', agentToken, later)).status).toBe(201);
  const asset = await call('POST', '/api/v1/assets', admin, { assetTag: 'A-1', serial: 'COPY-1', status: 'deployed' });
  expect(asset.status, asset.text).toBe(201);
  // A deployed asset whose warranty has ended: reconciliation finds it.
  expect(
    (
      await call('POST', '/api/v1/assets', admin, {
        assetTag: 'A-2',
        serial: 'GONE-2',
        status: 'deployed',
        warrantyEnd: '2020-01-31',
        purchaseCost: 1249.5,
      })
    ).status,
  ).toBe(201);
  const moved = await call('PATCH', `/api/v1/assets/${asset.body.id as string}`, admin, { status: 'in_repair' });
  expect(moved.status, moved.text).toBe(200);
  expect(
    (await call('POST', '/api/v1/licenses', admin, { product: 'Office', metric: 'per_device', seats: 1 })).status,
  ).toBe(201);
  const run = await call('POST', '/api/v1/reconciliations', admin);
  expect(run.status, run.text).toBe(200);
  const findings = await call('GET', '/api/v1/findings', admin);
  const items = (findings.body.items ?? []) as { id: number }[];
  expect(items.length).toBeGreaterThan(0);
  const acked = await call('PATCH', `/api/v1/findings/${items[0]?.id}`, admin, {
    action: 'acknowledge',
    comment: 'known',
  });
  expect(acked.status, acked.text).toBe(200);
  await app.close();
  opened.pop();
  return { agentId, agentToken, reader, deviceId: stored.body.deviceId as string, findingId: items[0]?.id ?? 0 };
}

/** The rows of a PostgreSQL table, counted. */
async function rowsIn(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

let credentials: Credentials;
beforeAll(async () => {
  credentials = await buildSqliteStore();
}, 60_000);

describe('stocktake-collector store copy', () => {
  it('copies every table into an empty PostgreSQL, verifies both equal, and a collector there accepts the same tokens', async () => {
    const url = await databases.create();
    const copy = await collector(['store', 'copy', '--from', `sqlite:${sqliteFile}`, '--to', url]);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    expect(copy.stdout).toMatch(/^devices\s+1\s+1$/m);
    expect(copy.stdout).toMatch(/^finding_events\s+[1-9]\d*\s+[1-9]\d*$/m);
    expect(copy.stdout).toMatch(/rows\/s\), committed/);
    expect(copy.stdout).toMatch(/^audit_log\s+([1-9]\d*)\s+\1\s+[0-9a-f]{32}\s+equal$/m);
    expect(copy.stdout).toContain('verified equal: 32 tables');
    expect(copy.stdout).not.toContain('DIFFERS');
    expect(await rowsIn(url, 'snapshots')).toBe(2);

    // The copy's stored hashes are what the collector checks: the agent and the API token carry on.
    const { call } = await collectorOn(url);
    const device = await call('GET', `/api/v1/devices/${credentials.deviceId}`, credentials.reader);
    expect(device.status, device.text).toBe(200);
    expect(device.body).toMatchObject({ hostname: 'ws-copy', hardwareSerial: 'COPY-1' });
    const again = makeSnapshot({ agentId: credentials.agentId, hostname: 'ws-copy', serial: 'COPY-1' });
    const stored = await call('POST', '/api/v1/agent/snapshots', credentials.agentToken, again);
    expect(stored.status, stored.text).toBe(201);
    expect(stored.body.deviceId).toBe(credentials.deviceId);
    // Keys go on past those copied: a new row takes the next one.
    expect(await rowsIn(url, 'snapshots')).toBe(3);
    const finding = await call('GET', `/api/v1/findings/${credentials.findingId}`, credentials.reader);
    expect(finding.status, finding.text).toBe(200);
    expect(finding.body).toMatchObject({ status: 'acknowledged', statusComment: 'known' });
    // A person's password, kept as its hash, opens a session there too.
    const login = await call('POST', '/api/v1/session', '', { name: 'alice', password: 'a long enough password' });
    expect(login.status, login.text).toBe(200);
  });

  it('runs the README’s commands and prints what the README shows', async () => {
    const url = await databases.create();
    // An instance started once on the new database leaves its own state there: not data, so still empty.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('insert into readiness_probe (id, checked_at) values (1, now())');
    await client.query(
      "insert into job_leases (job, tick_at, holder, claimed_at) values ('reconcile', now(), 'x', now())",
    );
    await client.end();
    const backup = join(dir, 'before-postgres.db');
    const lines = COMMANDS.split('\n').filter((l) => l.startsWith('stocktake-collector '));
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual([
      `backup ${'/var/backups/stocktake-before-postgres.db'}`,
      'store copy',
      'store compare',
    ]);
    // The service is stopped by systemctl, which this test does not run: its collector is closed already.
    expect(COMMANDS).toContain('sudo systemctl stop stocktake-collector');
    let printed = '';
    for (const line of lines) {
      const argv = line
        .replace('/var/backups/stocktake-before-postgres.db', backup)
        .replaceAll(README_DB, sqliteFile)
        .replaceAll(README_URL, url)
        .split(/\s+/)
        .slice(1);
      const run = await collector(argv);
      expect(run.code, `${line}\n${run.stderr}`).toBe(0);
      printed += run.stdout;
    }
    expect(existsSync(backup)).toBe(true);
    const shown = SAMPLE.split('\n').filter((l) => l.trim() !== '' && l !== '…');
    expect(shown.length).toBeGreaterThan(5);
    for (const line of shown) expect(printed, line).toMatch(sampleLine(line));
  });

  it('refuses a target that holds rows (exit 73), unless --replace; compare finds a changed row (exit 1)', async () => {
    const url = await databases.create();
    expect((await collector(['store', 'copy', '--from', sqliteFile, '--to', url, '--json'])).code).toBe(0);
    const again = await collector(['store', 'copy', '--from', sqliteFile, '--to', url]);
    expect(again.code).toBe(73);
    expect(again.stderr).toContain('is not empty (rows in ');
    expect(again.stderr).toContain('--replace');

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("update devices set hostname = 'changed'");
    await client.end();
    const compared = await collector(['store', 'compare', '--from', sqliteFile, '--to', url]);
    expect(compared.code).toBe(1);
    expect(compared.stdout).toMatch(/^devices\s+1\s+1\s+[0-9a-f]{32} ≠ [0-9a-f]{32}\s+DIFFERS$/m);
    expect(compared.stdout).toContain('NOT EQUAL: devices differs');

    const replaced = await collector(['store', 'copy', '--from', sqliteFile, '--to', url, '--replace', '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
    const report = JSON.parse(replaced.stdout) as { comparison: { equal: boolean }; copy: { rows: number } };
    expect(report.comparison.equal).toBe(true);
    expect(report.copy.rows).toBeGreaterThan(0);
    expect((await collector(['store', 'compare', '--from', sqliteFile, '--to', url])).code).toBe(0);
  });

  it('refuses a missing file (66), a bad URL (64, 78), a source not migrated (78) and one a process holds open (75), writing nothing', async () => {
    const url = await databases.create();
    const missing = await collector(['store', 'copy', '--from', join(dir, 'none.db'), '--to', url]);
    expect(missing).toMatchObject({ code: 66, stdout: '' });
    expect(missing.stderr).toContain('no database at');
    const notPostgres = await collector(['store', 'copy', '--from', sqliteFile, '--to', 'mysql://db/stocktake']);
    expect(notPostgres.code).toBe(64);
    expect(notPostgres.stderr).toContain('--to is a PostgreSQL URL');
    const noHost = await collector(['store', 'copy', '--from', sqliteFile, '--to', 'postgres:///stocktake']);
    expect(noHost.code).toBe(78);
    expect(noHost.stderr).toContain('names no host');
    expect((await collector(['store', 'copy', '--to', url])).code).toBe(64);

    const old = join(dir, 'old.db');
    databaseAtVersion(old, shippedMigrations().length - 1);
    const unmigrated = await collector(['store', 'copy', '--from', old, '--to', url]);
    expect(unmigrated.code).toBe(78);
    expect(unmigrated.stderr).toContain('stocktake-collector migrate');

    const held = join(dir, 'held.db');
    copyFileSync(sqliteFile, held);
    const holder: ChildProcess = spawn('bash', ['-c', 'exec 3<"$0"; echo open; sleep 60', held], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      await new Promise((ready) => holder.stdout?.once('data', ready));
      const inUse = await collector(['store', 'copy', '--from', held, '--to', url]);
      expect(inUse.code).toBe(75);
      expect(inUse.stderr).toMatch(/is open in pid \d+/);
    } finally {
      holder.kill();
    }
    expect(await rowsIn(url, 'devices')).toBe(0);
  });

  it('leaves the target as it was when PostgreSQL refuses a row half-way (exit 65, naming the table)', async () => {
    const url = await databases.create();
    const damaged = join(dir, 'nul.db');
    copyFileSync(sqliteFile, damaged);
    const sqlite = new Database(damaged);
    // SQLite keeps a NUL inside text; PostgreSQL's text refuses it.
    sqlite.prepare("update software_catalog set name = 'bad' || char(0) || 'name'").run();
    sqlite.close();
    const refused = await collector(['store', 'copy', '--from', damaged, '--to', url]);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toContain('PostgreSQL refused a row of software_catalog');
    expect(await rowsIn(url, 'devices')).toBe(0);
    expect(await rowsIn(url, 'agents')).toBe(0);
    const fresh = await databases.create();
    const compared = await collector([
      'store',
      'compare',
      '--from',
      sqliteFile,
      '--to',
      fresh.replace(/\/\w+$/, '/none'),
    ]);
    expect(compared.code).toBe(78);
  });
});
