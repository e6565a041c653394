import type { Db } from './db/open-database.ts';
import { createWriteBatcher } from './db/write-batcher.ts';
import { createAssetsRepository } from './plugins/app/assets/assets-repository.ts';
import { createAuditLog } from './plugins/app/audit/audit-repository.ts';
import { createDevicesRepository } from './plugins/app/devices/devices-repository.ts';
import { createSnapshotStore } from './plugins/app/devices/snapshot-store.ts';
import { createLicensesRepository } from './plugins/app/licenses/licenses-repository.ts';
import { createConflicts } from './plugins/app/matching/conflicts.ts';
import { createMatcher } from './plugins/app/matching/matcher.ts';

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
