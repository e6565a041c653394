import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStores, type SqliteStores, sqliteInside } from '../stores.ts';
import { createApiTokensRepository } from './api-tokens-repository.ts';

let dir: string;
let path: string;
let stores: SqliteStores;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-tokens-'));
  path = join(dir, 'stocktake.db');
  stores = await openSqliteStores(path);
});
afterEach(async () => {
  await stores.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const AT = new Date('2026-12-01T10:00:00.000Z');
const later = (seconds: number) => new Date(AT.getTime() + seconds * 1000);

/** When the token named `name` was last used, as the database holds it. */
function storedUse(name: string): string | null {
  const sqlite = new Database(path, { readonly: true });
  try {
    return (
      sqlite.prepare('select last_used_at as at from api_tokens where name = ?').get(name) as { at: string | null }
    ).at;
  } finally {
    sqlite.close();
  }
}

describe('when an API token was last used', () => {
  it('is noted by authentication without a write, shown by the list, and written when the store closes', async () => {
    const { secret } = await stores.apiTokens.create({ name: 'ci', role: 'reader' }, 'test');
    await stores.apiTokens.authenticate(secret, AT);
    expect(storedUse('ci')).toBeNull();
    expect((await stores.apiTokens.list())[0]?.lastUsedAt).toBe(AT.toISOString());

    // Within the minute, a use changes nothing; after it, the newer one is noted.
    await stores.apiTokens.authenticate(secret, later(30));
    expect((await stores.apiTokens.list())[0]?.lastUsedAt).toBe(AT.toISOString());
    await stores.apiTokens.authenticate(secret, later(90));
    expect((await stores.apiTokens.list())[0]?.lastUsedAt).toBe(later(90).toISOString());

    await stores.close();
    expect(storedUse('ci')).toBe(later(90).toISOString());
  });

  it('keeps the uses it could not write for the next write, and fails no request meanwhile', async () => {
    const inside = sqliteInside(stores);
    const tokens = createApiTokensRepository(inside.db, inside.auditLog);
    const { secret } = await tokens.create({ name: 'ops', role: 'admin' }, 'test');
    inside.sqlite.pragma('busy_timeout = 0');
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    await expect(tokens.authenticate(secret, AT)).resolves.toMatchObject({ name: 'ops' });
    expect(() => tokens.writeUses()).not.toThrow();
    other.prepare('ROLLBACK').run();
    other.close();
    expect(storedUse('ops')).toBeNull();
    tokens.writeUses();
    expect(storedUse('ops')).toBe(AT.toISOString());
    tokens.close();
  });
});
