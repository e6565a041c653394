import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, expect, it } from 'vitest';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import { computeSectionHashes } from '../../domain/inventory/section-hashes.ts';
import type { StorageMaintenance } from '../../domain/maintenance/ports.ts';
import { BackupError } from '../../domain/maintenance/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'stocktake-backup-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the contract exercises: the maintenance port, and ingest to give it something to count. */
type Maintained = {
  maintenance: StorageMaintenance;
  inventory: Pick<DeviceInventory, 'ingestSnapshot'>;
};

/** The engine's figures and its online backup. */
export default function maintenanceContract(open: () => Promise<Maintained>): void {
  it('counts what it stores: the database grows, and batched engines count the writes they committed', async () => {
    const stores = await open();
    const before = await stores.maintenance.statistics();
    expect(before.databaseBytes).toBeGreaterThan(0);
    const snapshot = makeSnapshot({ agentId: 'agent-m', hostname: 'ws-m' });
    await stores.inventory.ingestSnapshot(
      { id: 'agent-m', deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' },
      snapshot,
      computeSectionHashes(snapshot).hashes,
    );
    const after = await stores.maintenance.statistics();
    expect(after.databaseBytes).toBeGreaterThan(0);
    if (before.writeQueue && after.writeQueue) {
      expect(after.writeQueue.units).toBeGreaterThan(before.writeQueue.units);
      expect(after.writeQueue.batches).toBeGreaterThan(before.writeQueue.batches);
      expect(after.writeQueue.depth).toBe(0);
    }
  });

  it('writes a backup to a new file and reports its size and schema version', async () => {
    const stores = await open();
    const file = join(dir, `backup-${Math.random().toString(36).slice(2)}.db`);
    const report = await stores.maintenance.backup(file);
    expect(report.path).toBe(file);
    expect(report.bytes).toBe(statSync(file).size);
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.schemaVersion).toBeGreaterThan(0);
  });

  it('never overwrites an existing file', async () => {
    const stores = await open();
    const file = join(dir, 'taken.db');
    writeFileSync(file, 'an earlier backup');
    await expect(stores.maintenance.backup(file)).rejects.toThrow(BackupError);
    await expect(stores.maintenance.backup(file)).rejects.toThrow(/already exists/);
    expect(statSync(file).size).toBe('an earlier backup'.length);
  });
}
