import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenStores, Stores } from '../../domain/ports.ts';
import { openSqliteStores } from './stores.ts';

/** Every port contract (`store/contract/*.contract.ts`), each a function of how to open a fresh store. */
const CONTRACT_DIR = new URL('../contract/', import.meta.url);
const contracts = readdirSync(CONTRACT_DIR).filter((f) => f.endsWith('.contract.ts'));

const dir = mkdtempSync(join(tmpdir(), 'stocktake-contract-'));
const opened: Stores[] = [];
let n = 0;
const openSqlite: OpenStores = async () => {
  n += 1;
  const stores = await openSqliteStores(join(dir, `contract-${n}.db`));
  opened.push(stores);
  return stores;
};
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const loaded = await Promise.all(
  contracts.map(async (file) => {
    const mod = (await import(new URL(file, CONTRACT_DIR).href)) as { default: (open: OpenStores) => void };
    return { name: file.replace('.contract.ts', ''), contract: mod.default };
  }),
);

describe('the SQLite engine', () => {
  it('has port contracts to pass', () => {
    expect(loaded.length).toBeGreaterThan(0);
  });
  for (const { name, contract } of loaded) describe(name, () => contract(openSqlite));
});
