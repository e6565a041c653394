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

/** A database migrated up to and including the migration tagged `last` (e.g. 0008_software_name_nocase). */
function databaseThrough(path: string, last: string): Database.Database {
  const folder = join(dir, `migrations-${last}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8'));
  const end = journal.entries.findIndex((e: { tag: string }) => e.tag === last);
  if (end < 0) throw new Error(`no migration ${last}`);
  journal.entries = journal.entries.slice(0, end + 1);
  for (const e of journal.entries) cpSync(join(MIGRATIONS, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  const sqlite = new Database(path);
  // As openDatabase migrates: some migrations rebuild tables, which the foreign-key pragma forbids.
  sqlite.pragma('foreign_keys = OFF');
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

/** A database as the first release left it: migration 0000 only, with a device and its software. */
function firstReleaseDatabase(path: string): void {
  const sqlite = databaseThrough(path, '0000_init');
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

  it('move license findings onto their product’s position, one per product and metric, keeping its status', () => {
    const path = join(dir, 'stocktake.db');
    const sqlite = databaseThrough(path, '0009_agent_lifecycle');
    const at = '2026-11-01T00:00:00.000Z';
    const license = sqlite.prepare(
      `INSERT INTO licenses (id, product, name_pattern, metric, seats, order_number, created_at, updated_at)
       VALUES (?, ?, ?, 'per_device', 3, ?, ?, ?)`,
    );
    license.run('l-1', 'Acrobat', 'Acrobat*', 'PO-1', at, at);
    license.run('l-2', 'Acrobat', 'Acrobat*', 'PO-2', at, at);
    license.run('l-3', 'Visio', 'Visio*', '', at, at);
    const finding = sqlite.prepare(
      `INSERT INTO findings (id, type, subject_kind, subject_id, sub_key, severity, severity_rank, status, summary,
         evidence, evidence_hash, first_seen_at, opened_at, last_seen_at, status_changed_at, status_changed_by)
       VALUES (?, ?, ?, ?, '', 'high', 3, ?, 's', '{}', 'h', ?, ?, ?, ?, 'reconciliation')`,
    );
    finding.run(1, 'license_overuse', 'license', 'l-1', 'resolved', at, at, at, at);
    finding.run(2, 'license_overuse', 'license', 'l-2', 'acknowledged', at, at, at, at);
    finding.run(3, 'shelfware', 'license', 'l-3', 'open', at, at, at, at);
    finding.run(4, 'license_overuse', 'license', 'l-gone', 'open', at, at, at, at);
    finding.run(5, 'unregistered_device', 'device', 'dev-1', 'open', at, at, at, at);
    sqlite.close();

    const opened = openDatabase(path);
    try {
      const rows = opened.sqlite
        .prepare('SELECT id, type, subject_kind, subject_id, sub_key, status FROM findings ORDER BY id')
        .all();
      expect(rows).toEqual([
        { id: 1, type: 'license_overuse', subject_kind: 'license', subject_id: 'l-1', sub_key: '', status: 'resolved' },
        {
          id: 2,
          type: 'license_overuse',
          subject_kind: 'product',
          subject_id: 'Acrobat',
          sub_key: 'per_device',
          status: 'acknowledged',
        },
        {
          id: 3,
          type: 'shelfware',
          subject_kind: 'product',
          subject_id: 'Visio',
          sub_key: 'per_device',
          status: 'open',
        },
        { id: 4, type: 'license_overuse', subject_kind: 'license', subject_id: 'l-gone', sub_key: '', status: 'open' },
        {
          id: 5,
          type: 'unregistered_device',
          subject_kind: 'device',
          subject_id: 'dev-1',
          sub_key: '',
          status: 'open',
        },
      ]);
    } finally {
      opened.close();
    }
  });
});
