import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../compose/app.ts';
import { openDatabase } from '../store/sqlite/open-database.ts';
import { dumpDatabase } from '../test-support/dump.ts';
import { bearer, sqliteOf } from '../test-support/test-app.ts';
import { type AccessCommand, runAccessCommand } from './access-commands.ts';
import { EXIT, type Io } from './register-commands.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-access-cli-'));
  db = join(dir, 'stocktake.db');
  openDatabase(db).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(cmd: Partial<AccessCommand> & Pick<AccessCommand, 'noun' | 'verb'>) {
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
  const code = await runAccessCommand(
    db,
    { includeRevoked: false, keepPrevious: false, json: false, actor: 'cli:ops', ...cmd },
    io,
  );
  return { code, ...io };
}

describe('stocktake-collector token', () => {
  it('creates a token printed once on stdout alone, lists it without its secret, and revokes it by name or id', async () => {
    const created = await run({ noun: 'token', verb: 'create', name: 'ops-admin', role: 'admin' });
    expect(created.code).toBe(EXIT.ok);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^stk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown only this once');
    const opened = openDatabase(db);
    expect(JSON.stringify(dumpDatabase(opened.sqlite))).not.toContain(secret);
    opened.close();

    const app = await buildApp({
      dbPath: db,
      enrollSecret: 'configured-secret',
      snapshotBodyLimit: 1024 * 1024,
      bodyLimit: 1024 * 1024,
      pruneIntervalMs: 0,
      logger: false,
    });
    try {
      expect((await app.inject({ url: '/api/v1/tokens', headers: bearer(secret) })).statusCode).toBe(200);
      await run({ noun: 'token', verb: 'create', name: 'grafana', role: 'reader' });
      const list = await run({ noun: 'token', verb: 'list' });
      expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE/);
      expect(list.stdout).toContain('ops-admin');
      expect(list.stdout).toContain('grafana');
      expect(list.stdout).not.toContain('stk_');
      const json = JSON.parse((await run({ noun: 'token', verb: 'list', json: true })).stdout);
      expect(json.map((t: { name: string; role: string }) => `${t.name}:${t.role}`)).toEqual([
        'ops-admin:admin',
        'grafana:reader',
      ]);

      expect((await run({ noun: 'token', verb: 'revoke', ref: 'ops-admin' })).code).toBe(EXIT.ok);
      expect((await app.inject({ url: '/api/v1/tokens', headers: bearer(secret) })).statusCode).toBe(401);
      expect((await run({ noun: 'token', verb: 'revoke', ref: String(json[1].id) })).code).toBe(EXIT.ok);
      expect((await run({ noun: 'token', verb: 'list' })).stdout).not.toContain('grafana');
      expect((await run({ noun: 'token', verb: 'list', includeRevoked: true })).stdout).toContain('by cli:ops');
      const audit = dumpDatabase(sqliteOf(app).sqlite).audit_log as {
        actor: string;
        entity_type: string;
        action: string;
      }[];
      expect(audit.filter((a) => a.entity_type === 'api_token').map((a) => `${a.action} ${a.actor}`)).toEqual([
        'create cli:ops',
        'create cli:ops',
        'revoke cli:ops',
        'revoke cli:ops',
      ]);
    } finally {
      await app.close();
    }
  });

  it('refuses bad input with an exit code scripts can tell apart', async () => {
    expect((await run({ noun: 'token', verb: 'create', name: 'x' })).code).toBe(EXIT.usage);
    expect((await run({ noun: 'token', verb: 'create', name: 'x', role: 'root' })).code).toBe(EXIT.usage);
    expect((await run({ noun: 'token', verb: 'create', name: 'bad name', role: 'reader' })).code).toBe(EXIT.dataErr);
    expect((await run({ noun: 'token', verb: 'create', name: 'twice', role: 'reader' })).code).toBe(EXIT.ok);
    const dup = await run({ noun: 'token', verb: 'create', name: 'twice', role: 'reader' });
    expect(dup.code).toBe(EXIT.dataErr);
    expect(dup.stderr).toContain('already named twice');
    expect((await run({ noun: 'token', verb: 'revoke', ref: 'nobody' })).code).toBe(EXIT.noInput);
    expect((await run({ noun: 'token', verb: 'frobnicate' })).code).toBe(EXIT.usage);
  });
});

describe('stocktake-collector enroll-secret', () => {
  it('rotates to a new secret printed once, lists fingerprints, and revokes', async () => {
    const app = await buildApp({
      dbPath: db,
      enrollSecret: 'configured-secret',
      snapshotBodyLimit: 1024 * 1024,
      bodyLimit: 1024 * 1024,
      pruneIntervalMs: 0,
      logger: false,
    });
    const enrol = (enrollSecret: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/agent/enroll',
        payload: { enrollSecret, hostname: 'ws-1', agentVersion: '0.1.0', platform: 'linux' },
      });
    try {
      expect((await run({ noun: 'enroll-secret', verb: 'list' })).stdout).toMatch(/1\s+[0-9a-f]{8}\s+config/);
      const rotated = await run({ noun: 'enroll-secret', verb: 'rotate' });
      expect(rotated.code).toBe(EXIT.ok);
      const secret = rotated.stdout.trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect((await enrol(secret)).statusCode).toBe(201);
      expect((await enrol('configured-secret')).statusCode).toBe(403);
      const list = JSON.parse((await run({ noun: 'enroll-secret', verb: 'list', json: true })).stdout);
      expect(list).toEqual([expect.objectContaining({ id: 2, origin: 'managed', createdBy: 'cli:ops' })]);
      expect((await run({ noun: 'enroll-secret', verb: 'revoke', ref: list[0].fingerprint })).code).toBe(EXIT.ok);
      expect((await enrol(secret)).statusCode).toBe(403);
      expect((await run({ noun: 'enroll-secret', verb: 'revoke', ref: '2' })).code).toBe(EXIT.noInput);
    } finally {
      await app.close();
    }
  });

  it('runs from the real executable: `enroll-secret` alone still prints the configured secret', async () => {
    const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'stocktake-collector.mjs');
    const exec = promisify(execFile);
    const printed = await exec(process.execPath, [bin, 'enroll-secret', '--db', db, '--enroll-secret', 'abcdefgh12']);
    expect(printed.stdout).toBe('abcdefgh12\n');
    const created = await exec(process.execPath, [
      bin,
      'token',
      'create',
      '--name',
      'ci',
      '--role',
      'reader',
      '--db',
      db,
    ]);
    expect(created.stdout).toMatch(/^stk_\S+\n$/);
    const listed = await exec(process.execPath, [bin, 'token', 'list', '--json', '--db', db]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'ci', role: 'reader' })]);
  });
});
