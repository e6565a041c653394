import { createAssetsRepository } from '../store/sqlite/assets/assets-repository.ts';
import { createAuditLog } from '../store/sqlite/audit/audit-repository.ts';
import { createDevicesRepository } from '../store/sqlite/devices/devices-repository.ts';
import { createSnapshotStore } from '../store/sqlite/devices/snapshot-store.ts';
import { createLicensesRepository } from '../store/sqlite/licenses/licenses-repository.ts';
import { createConflicts } from '../store/sqlite/matching/conflicts.ts';
import { createMatcher } from '../store/sqlite/matching/matcher.ts';
import type { Db } from '../store/sqlite/open-database.ts';
import { createWriteBatcher } from '../store/sqlite/write-batcher.ts';

/** Everything that reads and writes the inventory and the register, over one database. */
export function createServices(db: Db) {
  const auditLog = createAuditLog(db);
  const matcher = createMatcher(db, auditLog);
  const conflicts = createConflicts(db);
  const snapshotStore = createSnapshotStore(db);
  const writeBatcher = createWriteBatcher(db.$client);
  return {
    writeBatcher,
    auditLog,
    matcher,
    conflicts,
    snapshotStore,
    devicesRepository: createDevicesRepository(db, matcher, snapshotStore, writeBatcher),
    assetsRepository: createAssetsRepository(db, auditLog, matcher, conflicts),
    licensesRepository: createLicensesRepository(db, auditLog),
  };
}

export type Services = ReturnType<typeof createServices>;
