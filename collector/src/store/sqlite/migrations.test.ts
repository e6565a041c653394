import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.ts';

const MIGRATIONS = join(import.meta.dirname, 'migrations');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database as the first release left it: migration 0000 only, with a device and its software. */
function firstReleaseDatabase(path: string): void {
  const only0000 = join(dir, 'migrations-0000');
  mkdirSync(join(only0000, 'meta'), { recursive: true });
  cpSync(join(MIGRATIONS, '0000_init.sql'), join(only0000, '0000_init.sql'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8'));
  journal.entries = journal.entries.slice(0, 1);
  writeFileSync(join(only0000, 'meta', '_journal.json'), JSON.stringify(journal));
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: only0000 });
  const at = '2026-11-01T00:00:00.000Z';
  sqlite
    .prepare(
      `INSERT INTO devices (id, hostname, hardware_serial, macs, first_seen_at, last_seen_at, section_status, software_count)
       VALUES ('dev-1', 'ws-1', 'SN1', '[]', ?, ?, '{}', 2), ('dev-2', 'ws-2', NULL, '[]', ?, ?, '{}', 1)`,
    )
    .run(at, at, at, at);
  sqlite
    .prepare(
      `INSERT INTO software_catalog (source, name, version) VALUES ('dpkg', 'bash', '5.2'), ('dpkg', 'curl', '7.88')`,
    )
    .run();
  sqlite
    .prepare('INSERT INTO device_software (device_id, software_id) VALUES (?, 1), (?, 2), (?, 1)')
    .run('dev-1', 'dev-1', 'dev-2');
  sqlite
    .prepare(
      `INSERT INTO agents (id, token_hash, hostname, version, platform, enrolled_at, device_id)
       VALUES ('agent-1', 'h', 'ws-1', '0.1.0', 'linux', ?, 'dev-1')`,
    )
    .run(at);
  sqlite
    .prepare(
      `INSERT INTO snapshots (id, device_id, agent_id, collected_at, received_at, size_bytes, body)
       VALUES ('snap-1', 'dev-1', 'agent-1', ?, ?, 1, x'00')`,
    )
    .run(at, at);
  sqlite.close();
}

describe('migrations', () => {
  it('carry devices, their software and agents into the keyed schema', () => {
    const path = join(dir, 'stocktake.db');
    firstReleaseDatabase(path);
    const opened = openDatabase(path);
    try {
      const rows = opened.sqlite
        .prepare(
          'SELECT d.id, d.agent_id, c.name FROM device_software s JOIN devices d ON d.key = s.device_key JOIN software_catalog c ON c.id = s.software_id ORDER BY d.id, c.name',
        )
        .all();
      expect(rows).toEqual([
        { id: 'dev-1', agent_id: 'agent-1', name: 'bash' },
        { id: 'dev-1', agent_id: 'agent-1', name: 'curl' },
        { id: 'dev-2', agent_id: null, name: 'bash' },
      ]);
      expect(opened.sqlite.prepare('SELECT count(*) AS n FROM snapshots').get()).toEqual({ n: 0 });
      expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(opened.sqlite.pragma('foreign_key_check')).toEqual([]);
    } finally {
      opened.close();
    }
  });
});
